// The access patterns the conductor relies on, proven against the migrated schema.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, Prisma, type Db } from "./index";
import { createTestDatabase, type TestDatabase } from "./testing";

const PROJECT = "0123456789abcdef0123456789abcdef";
const USER = "fedcba9876543210fedcba9876543210";

let testDb: TestDatabase;
let db: Db;
beforeAll(async () => {
  testDb = await createTestDatabase();
  // Enough connections for the claim race below, whose transactions each hold one.
  db = createDb(testDb.url, { connectionLimit: 10 });
});
afterAll(async () => {
  await db?.$disconnect();
  await testDb?.drop();
});

const flavor = { name: "m1.tiny", memory_mb: 512, vcpus: 1, root_gb: 1 };
function newInstance(taskState: string | null = "scheduling") {
  return db.instance.create({
    data: {
      uuid: randomUUID(),
      projectId: PROJECT,
      userId: USER,
      flavor,
      memoryMb: 512,
      vcpus: 1,
      rootGb: 1,
      ephemeralGb: 0,
      vmState: "building",
      taskState,
      metadata: {},
      reservationId: "r-00000001",
    },
  });
}

/** The conductor's claim: a conditional UPDATE of the node's usage plus the allocation row. */
async function claim(
  nodeId: number,
  instanceUuid: string,
  vcpus: number,
  memoryMb: number,
  diskGb: number,
) {
  try {
    return await db.$transaction(async (tx) => {
      const updated = await tx.$executeRaw`
        UPDATE compute_nodes
           SET vcpus_used = vcpus_used + ${vcpus}, memory_mb_used = memory_mb_used + ${memoryMb},
               local_gb_used = local_gb_used + ${diskGb}
         WHERE id = ${nodeId} AND deleted = 0
           AND vcpus_used + ${vcpus} <= vcpus * cpu_allocation_ratio
           AND memory_mb_used + ${memoryMb} <= memory_mb * ram_allocation_ratio
           AND local_gb_used + ${diskGb} <= local_gb * disk_allocation_ratio`;
      if (updated !== 1) throw new Error("no room");
      await tx.allocation.create({
        data: { instanceUuid, computeNodeId: nodeId, vcpus, memoryMb, diskGb },
      });
      return true;
    });
  } catch (err) {
    if (err instanceof Error && err.message === "no room") return false;
    throw err;
  }
}

describe("the schema", () => {
  it("supports compare-and-swap of the task state with updateMany", async () => {
    const { uuid } = await newInstance("scheduling");

    const first = await db.instance.updateMany({
      where: { uuid, taskState: "scheduling" },
      data: { taskState: "spawning" },
    });
    const stale = await db.instance.updateMany({
      where: { uuid, taskState: "scheduling" },
      data: { taskState: "deleting" },
    });
    const toNull = await db.instance.updateMany({
      where: { uuid, taskState: "spawning" },
      data: { taskState: null },
    });
    const fromNull = await db.instance.updateMany({
      where: { uuid, taskState: null },
      data: { taskState: "rebooting" },
    });

    expect([first.count, stale.count, toNull.count, fromNull.count]).toEqual([1, 0, 1, 1]);
    expect((await db.instance.findUniqueOrThrow({ where: { uuid } })).taskState).toBe("rebooting");
  });

  it("claims exactly the capacity of a node when many claims race, and through the primary key", async () => {
    const node = await db.computeNode.create({
      data: {
        uuid: randomUUID(),
        host: "race",
        hypervisorHostname: "race",
        hypervisorType: "QEMU",
        hypervisorVersion: 7002000,
        vcpus: 2,
        memoryMb: 4096,
        localGb: 100,
        cpuAllocationRatio: 1.0,
        ramAllocationRatio: 1.0,
        diskAllocationRatio: 1.0,
      },
    });
    const instances = await Promise.all(Array.from({ length: 8 }, () => newInstance()));

    const results = await Promise.all(instances.map((i) => claim(node.id, i.uuid, 1, 512, 10)));

    expect(results.filter(Boolean)).toHaveLength(2);
    const after = await db.computeNode.findUniqueOrThrow({ where: { id: node.id } });
    expect([after.vcpusUsed, after.memoryMbUsed, after.localGbUsed]).toEqual([2, 1024, 20]);
    expect(await db.allocation.count({ where: { computeNodeId: node.id } })).toBe(2);

    const plan = await db.$queryRaw<{ key: string | null }[]>`
      EXPLAIN UPDATE compute_nodes SET vcpus_used = vcpus_used + 1
       WHERE id = ${node.id} AND vcpus_used + 1 <= vcpus * cpu_allocation_ratio`;
    expect(plan[0]?.key).toBe("PRIMARY");
  });

  it("lets a deleted service register again (deleted = id) but not twice while live", async () => {
    const live = { host: "compute-1", binary: "nova-compute", topic: "compute" };
    const first = await db.service.create({ data: { uuid: randomUUID(), ...live } });
    await db.service.update({
      where: { id: first.id },
      data: { deleted: first.id, deletedAt: new Date() },
    });

    await db.service.create({ data: { uuid: randomUUID(), ...live } });
    const duplicate = db.service.create({ data: { uuid: randomUUID(), ...live } });

    await expect(duplicate).rejects.toBeInstanceOf(Prisma.PrismaClientKnownRequestError);
    await expect(duplicate).rejects.toMatchObject({ code: "P2002" });
  });

  it("serializes quota checks of one project on its lock row", async () => {
    const lock = (tx: Prisma.TransactionClient | Db) =>
      tx.$queryRaw`SELECT project_id FROM project_quota_locks WHERE project_id = ${PROJECT} FOR UPDATE NOWAIT`;

    await db.$transaction(async (tx) => {
      await tx.$executeRaw`INSERT IGNORE INTO project_quota_locks (project_id) VALUES (${PROJECT})`;
      await lock(tx);
      // Another session (another pool connection) cannot check the same project meanwhile.
      await expect(lock(db)).rejects.toThrow(/lock/i);
    });

    await expect(db.$transaction((tx) => lock(tx))).resolves.toHaveLength(1);
  });

  it("rejects a message id seen before, so handlers can deduplicate", async () => {
    const messageId = randomUUID();
    await db.processedMessage.create({ data: { messageId } });

    await expect(db.processedMessage.create({ data: { messageId } })).rejects.toMatchObject({
      code: "P2002",
    });
  });
});
