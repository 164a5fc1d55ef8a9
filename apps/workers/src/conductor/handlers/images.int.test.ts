// The image handlers on a throwaway database: visibility, Glance's list (filters, sort, markers),
// the JSON-patch rules, delete, and the upload's status compare-and-swaps under concurrency.
import { randomUUID } from "node:crypto";
import {
  abortImageUpload,
  beginImageUpload,
  createImage,
  deleteImage,
  finishImageUpload,
  getImage,
  isRpcError,
  listImages,
  updateImage,
  type Image,
  type RequestContext,
} from "@nimbus/rpc";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { z } from "zod";
import { adminCtx, createHarness, OTHER_PROJECT, PROJECT, userCtx, type Harness } from "../testing";

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(() => h?.close());
beforeEach(async () => {
  // Keep the harness's seeded public image (owned by OTHER_PROJECT); start from it alone.
  await h.db.$executeRaw`DELETE FROM images WHERE id <> ${h.imageId}`;
});

const call = <T>(fn: () => Promise<T>) =>
  fn().then(
    (value) => ({ ok: true as const, value }),
    (err: unknown) => {
      if (!isRpcError(err)) throw err;
      return { ok: false as const, code: err.code, message: err.message };
    },
  );

async function create(
  owner: string,
  fields: z.input<typeof createImage.request>["fields"] = {},
  properties: Record<string, string> = {},
): Promise<Image> {
  return h.bus.call(createImage, { owner, fields, properties }, { ctx: userCtx(owner) });
}

const list = (ctx: RequestContext, req: Partial<z.input<typeof listImages.request>> = {}) =>
  h.bus.call(
    listImages,
    {
      projectId: ctx.projectId!,
      allProjects: !!ctx.isAdmin,
      filters: {},
      sort: [],
      limit: 1000,
      ...req,
    },
    { ctx },
  );

const ids = (images: Image[]) => images.map((i) => i.id);

describe("create_image", () => {
  it("creates a queued image with Glance's defaults, or with the given id and fields", async () => {
    const image = await create(PROJECT);
    expect(image).toMatchObject({
      status: "queued",
      visibility: "shared",
      owner: PROJECT,
      name: null,
      protected: false,
      minDisk: 0,
      minRam: 0,
      tags: [],
      size: null,
      checksum: null,
      location: null,
    });
    const id = randomUUID();
    const named = await h.bus.call(
      createImage,
      {
        id,
        owner: PROJECT,
        fields: {
          name: "cirros",
          diskFormat: "qcow2",
          containerFormat: "bare",
          tags: ["a", "a", "b"],
        },
        properties: { os_distro: "cirros" },
      },
      { ctx: userCtx() },
    );
    expect(named).toMatchObject({ id, name: "cirros", diskFormat: "qcow2", tags: ["a", "b"] });
    expect(named.properties).toEqual({ os_distro: "cirros" });
  });

  it("refuses an id already taken, deleted images included", async () => {
    const image = await create(PROJECT);
    await h.bus.call(deleteImage, { id: image.id, projectId: PROJECT }, { ctx: userCtx() });
    const again = await call(() =>
      h.bus.call(
        createImage,
        { id: image.id, owner: PROJECT, fields: {}, properties: {} },
        { ctx: userCtx() },
      ),
    );
    expect(again).toMatchObject({
      ok: false,
      code: "conflict",
      message: `Image ID ${image.id} already exists!`,
    });
  });
});

describe("list_images", () => {
  it("shows public and own images; community ones of others only when asked; admins see all", async () => {
    const mine = await create(PROJECT, { visibility: "private" });
    const theirs = await create(OTHER_PROJECT, { visibility: "private" });
    const community = await create(OTHER_PROJECT, { visibility: "community" });
    const shared = await create(OTHER_PROJECT, { visibility: "shared" });

    expect(ids((await list(userCtx())).images).sort()).toEqual([h.imageId, mine.id].sort());
    expect(ids((await list(userCtx(), { filters: { visibility: "all" } })).images).sort()).toEqual(
      [h.imageId, mine.id, community.id].sort(),
    );
    expect(ids((await list(userCtx(), { filters: { visibility: "community" } })).images)).toEqual([
      community.id,
    ]);
    expect(ids((await list(userCtx(), { filters: { visibility: "private" } })).images)).toEqual([
      mine.id,
    ]);

    const admin = adminCtx();
    expect(ids((await list(admin)).images).sort()).toEqual(
      [h.imageId, mine.id, theirs.id, shared.id].sort(),
    );
    expect(ids((await list(admin, { filters: { visibility: "all" } })).images)).toHaveLength(5);
  });

  it("filters by id and name lists, status, formats, owner, tags, protection, size, properties", async () => {
    const a = await create(
      PROJECT,
      { name: "alpha", diskFormat: "raw", containerFormat: "bare", tags: ["x", "y"] },
      { os_distro: "debian" },
    );
    const b = await create(
      PROJECT,
      { name: "beta", diskFormat: "qcow2", containerFormat: "bare", tags: ["x"], protected: true },
      { os_distro: "cirros", 'odd"key': "v" },
    );
    const ctx = userCtx();
    const only = async (filters: object) => ids((await list(ctx, { filters })).images).sort();

    expect(await only({ ids: [a.id, b.id, randomUUID()] })).toEqual([a.id, b.id].sort());
    expect(await only({ names: ["alpha"] })).toEqual([a.id]);
    expect(await only({ names: ["alpha", "tiny-linux"] })).toEqual([a.id, h.imageId].sort());
    expect(await only({ ids: [] })).toEqual([]);
    expect(await only({ statuses: ["queued"] })).toEqual([a.id, b.id].sort());
    expect(await only({ statuses: ["active"] })).toEqual([h.imageId]);
    expect(await only({ diskFormats: ["qcow2"] })).toEqual([b.id, h.imageId].sort());
    expect(await only({ owner: OTHER_PROJECT })).toEqual([h.imageId]);
    expect(await only({ tags: ["x"] })).toEqual([a.id, b.id].sort());
    expect(await only({ tags: ["x", "y"] })).toEqual([a.id]);
    expect(await only({ protected: true })).toEqual([b.id]);
    expect(await only({ sizeMin: 1 })).toEqual([h.imageId]);
    expect(await only({ sizeMax: 1 })).toEqual([]);
    expect(await only({ properties: { os_distro: "cirros" } })).toEqual([b.id]);
    expect(await only({ properties: { 'odd"key': "v" } })).toEqual([b.id]);
    expect(await only({ createdAt: { op: "gte", at: a.createdAt } })).toContain(a.id);
    expect(await only({ createdAt: { op: "lt", at: a.createdAt } })).not.toContain(a.id);
  });

  it("pages through any sort with markers, every image exactly once", async () => {
    const names = ["m", "a", null, "z", "a", "b", null, "c"];
    for (const [n, name] of names.entries()) {
      await create(PROJECT, { name, minDisk: n, diskFormat: n % 2 ? "raw" : null });
    }
    const ctx = userCtx();
    const all = ids((await list(ctx)).images);
    expect(all).toHaveLength(names.length + 1);
    for (const sort of [
      [],
      [{ key: "name", dir: "asc" }],
      [
        { key: "name", dir: "desc" },
        { key: "disk_format", dir: "asc" },
      ],
      [{ key: "size", dir: "asc" }],
      [{ key: "status", dir: "desc" }],
    ] as const) {
      const seen: string[] = [];
      let marker: string | undefined;
      for (let page = 0; page < 20; page++) {
        const { images } = await list(ctx, { sort: [...sort], limit: 2, marker });
        seen.push(...ids(images));
        if (images.length < 2) break;
        marker = images.at(-1)!.id;
      }
      expect(seen, JSON.stringify(sort)).toHaveLength(all.length);
      expect(new Set(seen).size).toBe(all.length);
      expect(seen).toEqual(ids((await list(ctx, { sort: [...sort] })).images));
    }
    const byName = (await list(ctx, { sort: [{ key: "name", dir: "asc" }] })).images.map(
      (i) => i.name,
    );
    expect(byName.slice(0, 2)).toEqual([null, null]);
  });

  it("refuses a marker the caller cannot see", async () => {
    const theirs = await create(OTHER_PROJECT, { visibility: "private" });
    const res = await call(() => list(userCtx(), { marker: theirs.id }));
    expect(res).toMatchObject({ ok: false, code: "invalid" });
    expect((await call(() => list(userCtx(), { marker: randomUUID() }))).ok).toBe(false);
  });
});

describe("update_image", () => {
  const patch = (
    id: string,
    projectId: string | null,
    body: Partial<z.input<typeof updateImage.request>>,
  ) =>
    call(() =>
      h.bus.call(
        updateImage,
        { id, projectId, fields: {}, properties: [], ...body },
        { ctx: projectId ? userCtx(projectId) : adminCtx() },
      ),
    );

  it("sets fields and applies property operations in order", async () => {
    const image = await create(PROJECT, { name: "old" }, { keep: "1", drop: "2" });
    const res = await patch(image.id, PROJECT, {
      fields: { name: "new", minRam: 64, tags: ["t"] },
      properties: [
        { op: "add", key: "added", value: "a" },
        { op: "replace", key: "keep", value: "11" },
        { op: "remove", key: "drop" },
        { op: "add", key: "keep", value: "111" },
      ],
    });
    expect(res).toMatchObject({
      ok: true,
      value: { name: "new", minRam: 64, tags: ["t"], properties: { added: "a", keep: "111" } },
    });
    const stored = await h.bus.call(
      getImage,
      { id: image.id, projectId: PROJECT },
      { ctx: userCtx() },
    );
    expect(stored).toMatchObject({ name: "new", properties: { added: "a", keep: "111" } });
  });

  it("refuses replacing or removing a missing property, and changes nothing then", async () => {
    const image = await create(PROJECT, { name: "n" });
    for (const op of [
      { op: "replace" as const, key: "nope", value: "v" },
      { op: "remove" as const, key: "nope" },
    ]) {
      const res = await patch(image.id, PROJECT, { fields: { name: "changed" }, properties: [op] });
      expect(res).toMatchObject({
        ok: false,
        code: "conflict",
        message: "Property nope does not exist.",
      });
    }
    const stored = await h.bus.call(
      getImage,
      { id: image.id, projectId: PROJECT },
      { ctx: userCtx() },
    );
    expect(stored.name).toBe("n");
  });

  it("adds and removes single tags, a missing one being not found", async () => {
    const image = await create(PROJECT, { tags: ["a"] });
    expect(await patch(image.id, PROJECT, { addTags: ["b", "a"] })).toMatchObject({
      ok: true,
      value: { tags: ["a", "b"] },
    });
    expect(await patch(image.id, PROJECT, { removeTags: ["a"] })).toMatchObject({
      ok: true,
      value: { tags: ["b"] },
    });
    expect(await patch(image.id, PROJECT, { removeTags: ["a"] })).toMatchObject({
      ok: false,
      code: "not_found",
    });
    const stored = await h.bus.call(
      getImage,
      { id: image.id, projectId: PROJECT },
      { ctx: userCtx() },
    );
    expect(stored.tags).toEqual(["b"]);
  });

  it("keeps to Glance's limit of properties per image", async () => {
    const image = await create(
      PROJECT,
      {},
      Object.fromEntries(Array.from({ length: 127 }, (_, n) => [`p${n}`, "v"])),
    );
    const add = (key: string) => ({ op: "add" as const, key, value: "v" });
    expect(await patch(image.id, PROJECT, { properties: [add("p127")] })).toMatchObject({
      ok: true,
    });
    expect(await patch(image.id, PROJECT, { properties: [add("p128")] })).toMatchObject({
      ok: false,
      code: "over_quota",
      message:
        "The limit has been exceeded on the number of allowed image properties. Attempted: 129, Maximum: 128",
    });
  });

  it("hides other projects' private images (404), refuses visible ones it does not own (403)", async () => {
    const theirs = await create(OTHER_PROJECT, { visibility: "private" });
    expect(await patch(theirs.id, PROJECT, { fields: { name: "x" } })).toMatchObject({
      ok: false,
      code: "not_found",
    });
    expect(await patch(h.imageId, PROJECT, { fields: { name: "x" } })).toMatchObject({
      ok: false,
      code: "forbidden",
    });
    expect(await patch(theirs.id, null, { fields: { name: "by admin" } })).toMatchObject({
      ok: true,
    });
    expect(await patch("not-a-uuid", null, {})).toMatchObject({ ok: false, code: "not_found" });
  });

  it("changes formats only while queued", async () => {
    expect(await patch(h.imageId, null, { fields: { diskFormat: "raw" } })).toMatchObject({
      ok: false,
      code: "forbidden",
      message: "Attribute disk_format can be only replaced for a queued image.",
    });
    const queued = await create(PROJECT);
    expect(
      await patch(queued.id, PROJECT, { fields: { diskFormat: "raw", containerFormat: "bare" } }),
    ).toMatchObject({
      ok: true,
      value: { diskFormat: "raw", containerFormat: "bare" },
    });
  });
});

describe("delete_image", () => {
  it("marks the image deleted and answers its file; refuses protected and others' images", async () => {
    const image = await create(PROJECT, { protected: true });
    const del = (id: string, projectId: string | null) =>
      call(() => h.bus.call(deleteImage, { id, projectId }, { ctx: userCtx() }));
    expect(await del(image.id, PROJECT)).toMatchObject({
      ok: false,
      code: "forbidden",
      message: `Image ${image.id} is protected and cannot be deleted.`,
    });
    expect(await del(h.imageId, PROJECT)).toMatchObject({ ok: false, code: "forbidden" });
    await h.bus.call(
      updateImage,
      { id: image.id, projectId: PROJECT, fields: { protected: false }, properties: [] },
      { ctx: userCtx() },
    );
    expect(await del(image.id, PROJECT)).toEqual({ ok: true, value: { location: null } });
    expect(await del(image.id, PROJECT)).toMatchObject({ ok: false, code: "not_found" });
    expect(ids((await list(adminCtx(), { filters: { visibility: "all" } })).images)).not.toContain(
      image.id,
    );
  });
});

describe("the upload's status changes", () => {
  const data = {
    size: 1234,
    virtualSize: null,
    checksum: "0".repeat(32),
    osHashAlgo: "sha512" as const,
    osHashValue: "f".repeat(128),
    location: "/images/x",
  };

  it("lets exactly one of many concurrent uploads begin", async () => {
    const image = await create(PROJECT, { diskFormat: "raw", containerFormat: "bare" });
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        call(() =>
          h.bus.call(beginImageUpload, { id: image.id, projectId: PROJECT }, { ctx: userCtx() }),
        ),
      ),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok)).toHaveLength(7);
    expect(results.find((r) => !r.ok)).toMatchObject({
      code: "conflict",
      message: "Image status transition from saving to saving is not allowed",
    });
  });

  it("begins only with both formats set, on an image the caller owns", async () => {
    const bare = await create(PROJECT);
    expect(
      await call(() =>
        h.bus.call(beginImageUpload, { id: bare.id, projectId: PROJECT }, { ctx: userCtx() }),
      ),
    ).toMatchObject({
      ok: false,
      code: "invalid",
      message: "Properties disk_format, container_format must be set prior to saving data.",
    });
    expect(
      await call(() =>
        h.bus.call(beginImageUpload, { id: h.imageId, projectId: PROJECT }, { ctx: userCtx() }),
      ),
    ).toMatchObject({
      ok: false,
      code: "forbidden",
    });
  });

  it("finishes saving → active with the data, and aborts saving → queued", async () => {
    const image = await create(PROJECT, { diskFormat: "raw", containerFormat: "bare" });
    const begin = () =>
      h.bus.call(beginImageUpload, { id: image.id, projectId: PROJECT }, { ctx: userCtx() });
    await begin();
    await h.bus.call(abortImageUpload, { id: image.id }, { ctx: userCtx() });
    await h.bus.call(abortImageUpload, { id: image.id }, { ctx: userCtx() });
    const requeued = await h.bus.call(
      getImage,
      { id: image.id, projectId: PROJECT },
      { ctx: userCtx() },
    );
    expect(requeued.status).toBe("queued");

    await begin();
    const active = await h.bus.call(
      finishImageUpload,
      { id: image.id, ...data },
      { ctx: userCtx() },
    );
    expect(active).toMatchObject({
      status: "active",
      size: 1234,
      checksum: data.checksum,
      location: "/images/x",
    });
    expect(
      await call(() =>
        h.bus.call(finishImageUpload, { id: image.id, ...data }, { ctx: userCtx() }),
      ),
    ).toMatchObject({
      ok: false,
      code: "conflict",
    });
    // An active image keeps its data: aborting is a no-op.
    await h.bus.call(abortImageUpload, { id: image.id }, { ctx: userCtx() });
    expect(
      (await h.bus.call(getImage, { id: image.id, projectId: PROJECT }, { ctx: userCtx() })).status,
    ).toBe("active");
  });

  it("does not activate an image deleted during its upload", async () => {
    const image = await create(PROJECT, { diskFormat: "raw", containerFormat: "bare" });
    await h.bus.call(beginImageUpload, { id: image.id, projectId: PROJECT }, { ctx: userCtx() });
    await h.bus.call(deleteImage, { id: image.id, projectId: PROJECT }, { ctx: userCtx() });
    expect(
      await call(() =>
        h.bus.call(finishImageUpload, { id: image.id, ...data }, { ctx: userCtx() }),
      ),
    ).toMatchObject({
      ok: false,
      code: "conflict",
    });
  });
});
