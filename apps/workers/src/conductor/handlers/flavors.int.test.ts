import {
  createFlavor,
  createServers,
  deleteFlavor,
  flavorAccess,
  getFlavor,
  getServer,
  listFlavors,
  updateFlavor,
  updateFlavorExtraSpecs,
} from "@nimbus/rpc";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  adminCtx,
  createHarness,
  OTHER_PROJECT,
  PROJECT,
  userCtx,
  type Harness,
  refusal,
} from "../testing";

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
  await h.addHost("host-a");
});
afterAll(() => h?.close());

const admin = { ctx: adminCtx() };

type ListRequest = Parameters<typeof h.bus.call<typeof listFlavors>>[1];
const list = async (over: Partial<ListRequest> = {}, projectId = PROJECT) =>
  (
    await h.bus.call(
      listFlavors,
      {
        projectId,
        allProjects: false,
        isPublic: true,
        enabledOnly: true,
        sortKey: "flavorid",
        sortDir: "asc",
        ...over,
      },
      admin,
    )
  ).flavors.map((f) => f.id);

const newFlavor = (over: Partial<Parameters<typeof h.bus.call<typeof createFlavor>>[1]> = {}) => ({
  flavorid: null,
  name: "x",
  memoryMb: 1024,
  vcpus: 2,
  rootGb: 10,
  ephemeralGb: 0,
  swap: 0,
  rxtxFactor: 1,
  isPublic: true,
  description: null,
  ...over,
});

describe("flavors", () => {
  it("lists what a project may use: public and granted, not disabled; admins choose", async () => {
    // The harness seeds 1–4 (public), 98 (disabled) and 99 (private, granted to nobody).
    expect(await list()).toEqual(["1", "2", "3", "4"]);
    await h.bus.call(
      flavorAccess,
      { flavorid: "99", change: { action: "add", projectId: PROJECT } },
      admin,
    );
    expect(await list()).toEqual(["1", "2", "3", "4", "99"]);
    expect(await list({}, OTHER_PROJECT)).toEqual(["1", "2", "3", "4"]);
    // An admin's views: private only, everything (disabled included).
    expect(await list({ allProjects: true, isPublic: false, enabledOnly: false })).toEqual(["99"]);
    expect(
      await list({ allProjects: true, isPublic: null, enabledOnly: false }, OTHER_PROJECT),
    ).toEqual(["1", "2", "3", "4", "98", "99"]);
    await h.bus.call(
      flavorAccess,
      { flavorid: "99", change: { action: "remove", projectId: PROJECT } },
      admin,
    );
    expect(await list()).toEqual(["1", "2", "3", "4"]);
  });

  it("filters by minimum RAM and disk, sorts, and pages with a marker", async () => {
    expect(await list({ minRam: 2048, minDisk: 40 })).toEqual(["3", "4"]);
    expect(await list({ sortKey: "memory_mb", sortDir: "desc" })).toEqual(["4", "3", "2", "1"]);
    expect(await list({ limit: 2 })).toEqual(["1", "2"]);
    expect(await list({ limit: 2, marker: "2" })).toEqual(["3", "4"]);
    // The marker need not match the filters, only be visible (Nova's keyset paging).
    expect(await list({ minRam: 4096, marker: "1" })).toEqual(["3", "4"]);
    expect(await refusal(list({ marker: "99" }))).toEqual({
      code: "invalid",
      message: "marker [99] not found",
    });
  });

  it("creates flavors with a generated or given id, refusing taken names and ids", async () => {
    const made = await h.bus.call(
      createFlavor,
      newFlavor({ name: "c1.gen", rxtxFactor: 1.1, description: "general" }),
      admin,
    );
    expect(made).toMatchObject({
      name: "c1.gen",
      memoryMb: 1024,
      vcpus: 2,
      rootGb: 10,
      rxtxFactor: 1.1,
      isPublic: true,
      disabled: false,
      description: "general",
      extraSpecs: {},
    });
    expect(made.id).toMatch(/^[0-9a-f-]{36}$/);
    const given = await h.bus.call(
      createFlavor,
      newFlavor({ flavorid: "c2", name: "c2.big", isPublic: false }),
      admin,
    );
    expect(given).toMatchObject({ id: "c2", isPublic: false });
    expect(await refusal(h.bus.call(createFlavor, newFlavor({ name: "c1.gen" }), admin))).toEqual({
      code: "conflict",
      message: "Flavor with name c1.gen already exists.",
    });
    expect(
      await refusal(h.bus.call(createFlavor, newFlavor({ flavorid: "c2", name: "other" }), admin)),
    ).toEqual({ code: "conflict", message: "Flavor with ID c2 already exists." });
  });

  it("shows a private flavor only to the projects granted it, and updates the description", async () => {
    await h.bus.call(
      createFlavor,
      newFlavor({ flavorid: "p1", name: "p1", isPublic: false }),
      admin,
    );
    const show = (projectId: string | null) =>
      h.bus.call(getFlavor, { flavorid: "p1", projectId }, { ctx: userCtx() });
    expect(await refusal(show(PROJECT))).toEqual({
      code: "not_found",
      message: "Flavor p1 could not be found.",
    });
    expect((await show(null)).id).toBe("p1");
    await h.bus.call(
      flavorAccess,
      { flavorid: "p1", change: { action: "add", projectId: PROJECT } },
      admin,
    );
    expect((await show(PROJECT)).id).toBe("p1");

    const updated = await h.bus.call(
      updateFlavor,
      { flavorid: "p1", description: "private" },
      admin,
    );
    expect(updated.description).toBe("private");
    expect(
      await refusal(h.bus.call(updateFlavor, { flavorid: "nope", description: null }, admin)),
    ).toMatchObject({ code: "not_found" });
  });

  it("keeps the access list of private flavors only, in Nova's words", async () => {
    await h.bus.call(
      createFlavor,
      newFlavor({ flavorid: "a1", name: "a1", isPublic: false }),
      admin,
    );
    const access = (
      change: { action: "add" | "remove"; projectId: string } | null,
      flavorid = "a1",
    ) => h.bus.call(flavorAccess, { flavorid, change }, admin);
    expect(await access(null)).toEqual({ projects: [] });
    expect(await access({ action: "add", projectId: PROJECT })).toEqual({ projects: [PROJECT] });
    expect(await access({ action: "add", projectId: OTHER_PROJECT })).toEqual({
      projects: [PROJECT, OTHER_PROJECT],
    });
    expect(await refusal(access({ action: "add", projectId: PROJECT }))).toEqual({
      code: "conflict",
      message: `Flavor access already exists for flavor a1 and project ${PROJECT} combination.`,
    });
    expect(await access({ action: "remove", projectId: PROJECT })).toEqual({
      projects: [OTHER_PROJECT],
    });
    expect(await refusal(access({ action: "remove", projectId: PROJECT }))).toEqual({
      code: "not_found",
      message: `Flavor access not found for a1 / ${PROJECT} combination.`,
    });
    expect(await refusal(access(null, "1"))).toEqual({
      code: "not_found",
      message: "Access list not available for public flavors.",
    });
    expect(await refusal(access({ action: "add", projectId: PROJECT }, "1"))).toEqual({
      code: "conflict",
      message: "Can not add access to a public flavor.",
    });
  });

  it("sets and removes extra specs", async () => {
    await h.bus.call(createFlavor, newFlavor({ flavorid: "e1", name: "e1" }), admin);
    const specs = (req: { set?: Record<string, string>; unset?: string }, flavorid = "e1") =>
      h.bus.call(updateFlavorExtraSpecs, { flavorid, ...req }, admin);
    expect(await specs({ set: { "hw:cpu_policy": "shared", "hw:numa_nodes": "1" } })).toEqual({
      extraSpecs: { "hw:cpu_policy": "shared", "hw:numa_nodes": "1" },
    });
    expect(await specs({ set: { "hw:numa_nodes": "2" } })).toEqual({
      extraSpecs: { "hw:cpu_policy": "shared", "hw:numa_nodes": "2" },
    });
    expect(await specs({ unset: "hw:cpu_policy" })).toEqual({
      extraSpecs: { "hw:numa_nodes": "2" },
    });
    expect(await refusal(specs({ unset: "hw:cpu_policy" }))).toEqual({
      code: "not_found",
      message: "Flavor e1 has no extra specs with key hw:cpu_policy.",
    });
    expect(await refusal(specs({ set: { a: "b" } }, "nope"))).toEqual({
      code: "not_found",
      message: "Flavor nope could not be found.",
    });
    expect(
      (await h.bus.call(getFlavor, { flavorid: "e1", projectId: null }, admin)).extraSpecs,
    ).toEqual({
      "hw:numa_nodes": "2",
    });
  });

  it("deletes a flavor while the servers built with it keep their copy", async () => {
    await h.bus.call(
      createFlavor,
      newFlavor({ flavorid: "d1", name: "d1", memoryMb: 256, vcpus: 1, rootGb: 1 }),
      admin,
    );
    await h.bus.call(updateFlavorExtraSpecs, { flavorid: "d1", set: { k: "v" } }, admin);
    const { servers } = await h.bus.call(
      createServers,
      {
        name: "keeps-flavor",
        imageRef: h.imageId,
        flavorRef: "d1",
        minCount: 1,
        maxCount: 1,
        availabilityZone: null,
        forceHost: null,
        keyName: null,
        metadata: {},
        userData: null,
        description: null,
        hostname: null,
        serverGroup: null,
        schedulerHints: {},
        accessIpV4: null,
        accessIpV6: null,
      },
      { ctx: userCtx() },
    );
    await h.bus.call(deleteFlavor, { flavorid: "d1" }, admin);
    expect(
      await refusal(h.bus.call(getFlavor, { flavorid: "d1", projectId: null }, admin)),
    ).toEqual({
      code: "not_found",
      message: "Flavor d1 could not be found.",
    });
    expect(await refusal(h.bus.call(deleteFlavor, { flavorid: "d1" }, admin))).toMatchObject({
      code: "not_found",
    });
    const server = await h.bus.call(
      getServer,
      { uuid: servers[0]!.uuid, projectId: PROJECT },
      { ctx: userCtx() },
    );
    expect(server.flavor).toMatchObject({
      id: "d1",
      name: "d1",
      memoryMb: 256,
      extraSpecs: { k: "v" },
    });
  });
});
