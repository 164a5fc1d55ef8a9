// The seed on a fresh database: everything a new cloud needs, and nothing changes on a rerun.
import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { verify } from "@node-rs/argon2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "./index";
import { DEFAULT_FLAVORS, DEFAULT_QUOTAS, seed, type SeedOptions } from "./seed";
import { createTestDatabase, type TestDatabase } from "./testing";

/** A small file that starts like a qcow2 image declaring a 1 GiB disk. */
function fakeQcow2(): Buffer {
  const data = Buffer.alloc(64 * 1024, 0x5a);
  data.writeUInt32BE(0x514649fb, 0); // "QFI\xfb"
  data.writeUInt32BE(3, 4); // version
  data.writeBigUInt64BE(1n << 30n, 24); // virtual size
  return data;
}

/** Every row the seed writes, for comparing two runs. */
async function snapshot(db: Db) {
  return {
    roles: await db.role.findMany({ orderBy: { name: "asc" } }),
    projects: await db.project.findMany({ orderBy: { name: "asc" } }),
    users: await db.user.findMany(),
    roleAssignments: await db.roleAssignment.findMany({ orderBy: { roleId: "asc" } }),
    flavors: await db.flavor.findMany({ orderBy: { flavorid: "asc" } }),
    quotaClasses: await db.quotaClass.findMany({ orderBy: { resource: "asc" } }),
    images: await db.image.findMany(),
  };
}

describe("seed", () => {
  let testDb: TestDatabase;
  let db: Db;
  let dir: string;
  let options: SeedOptions;
  const image = fakeQcow2();

  beforeAll(async () => {
    testDb = await createTestDatabase();
    db = createDb(testDb.url, { connectionLimit: 2 });
    dir = await mkdtemp(join(tmpdir(), "nimbus-seed-"));
    await writeFile(join(dir, "tiny.qcow2"), image);
    options = {
      adminPassword: "correct horse battery",
      imagePath: join(dir, "tiny.qcow2"),
      imagesDir: join(dir, "images"),
    };
  });
  afterAll(async () => {
    await db?.$disconnect();
    await testDb?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("creates the roles, projects, admin user, flavors, default quotas and the public image", async () => {
    const { changes } = await seed(db, options);
    const s = await snapshot(db);

    expect(s.roles.map((r) => r.name)).toEqual(["admin", "member", "reader"]);
    expect(s.projects.map((p) => [p.name, p.domainId])).toEqual([
      ["admin", "default"],
      ["service", "default"],
    ]);
    for (const id of [...s.roles, ...s.projects, ...s.users].map((x) => x.id))
      expect(id).toMatch(/^[0-9a-f]{32}$/);

    const [admin] = s.users;
    expect(s.users).toHaveLength(1);
    expect(admin!.name).toBe("admin");
    expect(admin!.passwordHash).toMatch(/^\$argon2id\$/);
    expect(await verify(admin!.passwordHash!, "correct horse battery")).toBe(true);
    const adminProject = s.projects.find((p) => p.name === "admin")!;
    expect(admin!.defaultProjectId).toBe(adminProject.id);
    expect(
      s.roleAssignments
        .map((a) => [a.userId, a.projectId, s.roles.find((r) => r.id === a.roleId)?.name])
        .sort(),
    ).toEqual([
      [admin!.id, adminProject.id, "admin"],
      [admin!.id, adminProject.id, "member"],
      [admin!.id, adminProject.id, "reader"],
    ]);

    expect(
      s.flavors.map((f) => [
        f.flavorid,
        f.name,
        f.memoryMb,
        f.vcpus,
        f.rootGb,
        f.ephemeralGb,
        f.swap,
        f.isPublic,
      ]),
    ).toEqual([
      ["1", "m1.tiny", 512, 1, 1, 0, 0, true],
      ["2", "m1.small", 2048, 1, 20, 0, 0, true],
      ["3", "m1.medium", 4096, 2, 40, 0, 0, true],
      ["4", "m1.large", 8192, 4, 80, 0, 0, true],
      ["5", "m1.xlarge", 16384, 8, 160, 0, 0, true],
    ]);
    expect(Object.fromEntries(s.quotaClasses.map((q) => [q.resource, q.hardLimit]))).toEqual(
      DEFAULT_QUOTAS,
    );
    expect(s.quotaClasses.every((q) => q.className === "default")).toBe(true);

    expect(s.images).toHaveLength(1);
    const img = s.images[0]!;
    expect(img).toMatchObject({
      name: "tiny-linux",
      status: "active",
      visibility: "public",
      owner: adminProject.id,
      diskFormat: "qcow2",
      containerFormat: "bare",
      size: BigInt(image.length),
      virtualSize: 1n << 30n,
      checksum: createHash("md5").update(image).digest("hex"),
      osHashAlgo: "sha512",
      osHashValue: createHash("sha512").update(image).digest("hex"),
      location: join(options.imagesDir, img.id),
      properties: { architecture: "x86_64", hypervisor_type: "qemu" },
      tags: [],
      deletedAt: null,
    });
    expect(await readFile(img.location!)).toEqual(image);

    expect(changes).toHaveLength(
      3 + 2 + 1 + 3 + DEFAULT_FLAVORS.length + Object.keys(DEFAULT_QUOTAS).length + 1,
    );
  });

  it("changes nothing when run again", async () => {
    const before = await snapshot(db);

    const { changes } = await seed(db, options);

    expect(changes).toEqual([]);
    expect(await snapshot(db)).toEqual(before);
  });

  it("creates the service user, admin in project service, once a service password is given", async () => {
    const { changes } = await seed(db, { ...options, servicePassword: "service secret" });

    expect(changes).toEqual([
      "user nimbus",
      "role admin for nimbus on project service",
      "role member for nimbus on project service",
      "role reader for nimbus on project service",
    ]);
    const nimbus = await db.user.findFirstOrThrow({ where: { name: "nimbus" } });
    const service = await db.project.findFirstOrThrow({ where: { name: "service" } });
    expect(nimbus.defaultProjectId).toBe(service.id);
    expect(await verify(nimbus.passwordHash!, "service secret")).toBe(true);
    expect(
      await db.roleAssignment.count({ where: { userId: nimbus.id, projectId: service.id } }),
    ).toBe(3);
    expect((await seed(db, { ...options, servicePassword: "service secret" })).changes).toEqual([]);
  });

  it("replaces the admin password when a different one is given, as keystone-manage bootstrap does", async () => {
    const { changes } = await seed(db, { ...options, adminPassword: "a brand new password" });

    expect(changes).toEqual(["password of user admin"]);
    const admin = await db.user.findFirstOrThrow({ where: { name: "admin" } });
    expect(await verify(admin.passwordHash!, "a brand new password")).toBe(true);
  });

  it("refuses a seed image that is not qcow2 before touching the images directory", async () => {
    await writeFile(join(dir, "not.qcow2"), "just text");

    await expect(
      seed(db, { ...options, imageName: "other", imagePath: join(dir, "not.qcow2") }),
    ).rejects.toThrow("is not a qcow2 image");
    expect(await db.image.count({ where: { name: "other" } })).toBe(0);
  });
});
