// Exact quotas under concurrency, through the whole stack: 50 creates fired at once against a
// limit of 10 instances (then of cores, then of RAM) let exactly the limit through and refuse the
// rest with Nova's 403; multi-creates and resizes racing for the same room do not overshoot it.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, onTestFailed, test } from "vitest";
import type { ApiClient, ApiResponse } from "../stack/client";
import { deleteAll, FLAVORS, isActive } from "../stack/servers";
import { startStack, type Stack } from "../stack/stack";

const BURST = 50;

describe("quota under concurrency", () => {
  let stack: Stack;
  let admin: ApiClient;

  beforeAll(async () => {
    stack = await startStack({
      name: "quota-race",
      // Room for every server the limits let through (the test hypervisor has 3 GiB).
      computes: [
        { host: "node-1", env: { NIMBUS_RAM_ALLOCATION_RATIO: "16" } },
        { host: "node-2", env: { NIMBUS_RAM_ALLOCATION_RATIO: "16" } },
      ],
    });
    admin = await stack.compute();
  });

  afterAll(async () => {
    await stack?.stop();
  });

  const logsOnFailure = () => onTestFailed(async () => console.log(await stack.logTail(30)));

  /** A project whose limits are `limits` (the others unlimited), and a member's client in it. */
  async function project(limits: Record<string, number>) {
    const name = `race-${randomUUID().slice(0, 8)}`;
    const who = { user: `user-${name}`, project: name };
    const { projectId: id } = await stack.ids(who);
    const res = await admin.put(`/os-quota-sets/${id}`, {
      quota_set: { instances: -1, cores: -1, ram: -1, ...limits },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return { id, api: await stack.compute(who) };
  }

  async function flavor(vcpus: number, ram: number): Promise<string> {
    const res = await admin.post("/flavors", {
      flavor: { name: `race-${vcpus}x${ram}-${randomUUID().slice(0, 4)}`, vcpus, ram, disk: 1 },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.flavor.id as string;
  }

  const create = (api: ApiClient, flavorRef: string, extra: Record<string, unknown> = {}) =>
    api.post("/servers", {
      server: {
        name: `race-${randomUUID().slice(0, 8)}`,
        imageRef: stack.imageId,
        flavorRef,
        networks: "none",
        ...extra,
      },
    });

  /** Fire `BURST` creates at once; check exactly `limit` got through and the rest got `message`. */
  async function race(api: ApiClient, flavorRef: string, limit: number, message: string) {
    const replies = await Promise.all(Array.from({ length: BURST }, () => create(api, flavorRef)));
    const byStatus = (s: number) => replies.filter((r) => r.status === s);
    const others = replies.filter((r) => r.status !== 202 && r.status !== 403);
    expect(others.map((r) => [r.status, r.body])).toEqual([]);
    expect(byStatus(202)).toHaveLength(limit);
    expect(byStatus(403)).toHaveLength(BURST - limit);
    for (const refused of byStatus(403)) {
      expect(refused.body).toEqual({ forbidden: { code: 403, message } });
    }
    return byStatus(202).map((r: ApiResponse) => r.body.server.id as string);
  }

  /** The project's servers as its member lists them, and what os-quota-sets says it uses. */
  async function inUse(p: { id: string; api: ApiClient }) {
    const listed = await p.api.get("/servers?limit=1000");
    expect(listed.status).toBe(200);
    const detail = await admin.get(`/os-quota-sets/${p.id}/detail`);
    expect(detail.status).toBe(200);
    const q = detail.body.quota_set;
    return {
      servers: listed.body.servers.length as number,
      instances: q.instances.in_use as number,
      cores: q.cores.in_use as number,
      ram: q.ram.in_use as number,
    };
  }

  test("50 creates against instances = 10: exactly 10 are accepted, 40 refused in Nova's words", async () => {
    logsOnFailure();
    const p = await project({ instances: 10 });
    const ids = await race(
      p.api,
      FLAVORS.tiny.id,
      10,
      "Quota exceeded for instances: Requested 1, but already used 10 of 10 instances",
    );
    expect(await inUse(p)).toEqual({ servers: 10, instances: 10, cores: 10, ram: 10 * 512 });
    // The accepted ones are real servers: they all build.
    await Promise.all(ids.map((id) => stack.waitForServer(id, isActive, 60_000)));
    await deleteAll(stack);
  });

  test("50 creates of a 4-vCPU flavor against cores = 20: exactly 5", async () => {
    logsOnFailure();
    const p = await project({ cores: 20 });
    const quad = await flavor(4, 256);
    await race(
      p.api,
      quad,
      5,
      "Quota exceeded for cores: Requested 4, but already used 20 of 20 cores",
    );
    expect(await inUse(p)).toEqual({ servers: 5, instances: 5, cores: 20, ram: 5 * 256 });
    await deleteAll(stack);
  });

  test("50 creates of a 1 GiB flavor against ram = 5120: exactly 5", async () => {
    logsOnFailure();
    const p = await project({ ram: 5120 });
    const big = await flavor(1, 1024);
    await race(
      p.api,
      big,
      5,
      "Quota exceeded for ram: Requested 1024, but already used 5120 of 5120 ram",
    );
    expect(await inUse(p)).toEqual({ servers: 5, instances: 5, cores: 5, ram: 5120 });
    await deleteAll(stack);
  });

  test("racing multi-creates (min 1, max 3) get as many as fit, never more than the limit", async () => {
    logsOnFailure();
    const p = await project({ instances: 10 });
    const replies = await Promise.all(
      Array.from({ length: 10 }, () =>
        create(p.api, FLAVORS.tiny.id, { min_count: 1, max_count: 3, return_reservation_id: true }),
      ),
    );
    const accepted = replies.filter((r) => r.status === 202);
    for (const r of replies.filter((x) => x.status !== 202)) {
      expect(r.status).toBe(403);
      expect(r.body.forbidden.message).toMatch(
        /^Quota exceeded for instances: Requested 1-3, but already used 10 of 10 instances$/,
      );
    }
    expect(accepted.length).toBeGreaterThanOrEqual(4); // 3 + 3 + 3 + at least 1
    expect((await inUse(p)).servers).toBe(10);
    await deleteAll(stack);
  });

  test("racing resizes get quota for their growth only as far as it goes", async () => {
    logsOnFailure();
    // Four 1-vCPU servers, cores = 6: two of four resizes to 2 vCPUs fit (4 + 1 + 1).
    const p = await project({ cores: 6 });
    const one = await flavor(1, 256);
    const two = await flavor(2, 256);
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await create(p.api, one);
      expect(res.status, JSON.stringify(res.body)).toBe(202);
      ids.push(res.body.server.id as string);
    }
    await Promise.all(ids.map((id) => stack.waitForServer(id, isActive, 60_000)));
    const replies = await Promise.all(
      ids.map((id) => p.api.post(`/servers/${id}/action`, { resize: { flavorRef: two } })),
    );
    expect(replies.map((r) => r.status).sort()).toEqual([202, 202, 403, 403]);
    for (const r of replies.filter((x) => x.status === 403)) {
      expect(r.body.forbidden.message).toBe(
        "Quota exceeded for cores: Requested 1, but already used 6 of 6 cores",
      );
    }
    expect((await inUse(p)).cores).toBe(6);
    const resized = ids.filter((_, i) => replies[i]!.status === 202);
    await Promise.all(
      resized.map((id) => stack.waitForServer(id, (s) => s.status === "VERIFY_RESIZE", 60_000)),
    );
    await deleteAll(stack);
  });
});
