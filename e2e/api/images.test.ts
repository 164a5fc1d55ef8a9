// The image API (Glance v2 at /image/v2) on a real stack: the seeded image, create / list / PATCH /
// delete with Glance's rules and policy, uploads (one at a time, size-capped, abandoned ones put
// back in the queue) and downloads, and a compute host booting a server from an uploaded image.
import { createHash, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { request, type ClientRequest } from "node:http";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, onTestFailed, test } from "vitest";
import { client, type ApiClient, type ApiResponse } from "../stack/client";
import type { Who } from "../stack/identity";
import { isActive } from "../stack/servers";
import { startStack, type Stack } from "../stack/stack";

/** The web's upload cap for this stack: above the seeded image (~16 MiB), cheap to exceed. */
const MAX_SIZE = 32 * 1024 ** 2;
const PATCH = { "content-type": "application/openstack-images-v2.1-json-patch" };

let stack: Stack;
let admin: ApiClient;
let alice: ApiClient;
let aliceProject: string;

const ALICE: Who = { user: "alice", project: "img-p1" };
const BOB: Who = { user: "bob", project: "img-p2" };
const READER: Who = { user: "rita", project: "img-p1", role: "reader" };

beforeAll(async () => {
  stack = await startStack({
    name: "images",
    envFor: { web: { NIMBUS_IMAGE_MAX_SIZE: String(MAX_SIZE) } },
  });
  admin = await images();
  alice = await images(ALICE);
  aliceProject = (await stack.ids(ALICE)).projectId;
});

afterAll(async () => {
  await stack?.stop();
});

async function images(who?: Who): Promise<ApiClient> {
  return client(`${stack.url}/image/v2`, {
    "x-auth-token": await stack.token(who),
    accept: "application/json",
  });
}

function showLogsOnFailure() {
  onTestFailed(async () => {
    console.log(await stack.logTail(30));
  });
}

/** PUT /images/{id}/file with `data` (Content-Length set unless `chunked`). */
async function upload(
  who: Who | undefined,
  id: string,
  data: Buffer,
  opts: { chunked?: boolean } = {},
): Promise<ApiResponse> {
  const res = await fetch(`${stack.url}/image/v2/images/${id}/file`, {
    method: "PUT",
    headers: {
      "x-auth-token": await stack.token(who),
      "content-type": "application/octet-stream",
      accept: "application/json",
    },
    // A stream body goes out chunked, with no declared length.
    body: opts.chunked ? new Blob([Uint8Array.from(data)]).stream() : data,
    ...(opts.chunked && { duplex: "half" }),
  } as RequestInit);
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

async function newImage(api: ApiClient, body: Record<string, unknown> = {}): Promise<string> {
  const res = await api.post("/images", {
    name: `img-${randomBytes(3).toString("hex")}`,
    disk_format: "raw",
    container_format: "bare",
    ...body,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id as string;
}

/** Polls GET /images/{id} (as admin) until `predicate` holds, for at most `ms`. */
async function waitForImage(
  id: string,
  predicate: (image: Record<string, unknown>) => boolean,
  ms = 10_000,
) {
  const deadline = Date.now() + ms;
  for (;;) {
    const res = await admin.get(`/images/${id}`);
    if (res.status === 200 && predicate(res.body)) return res.body;
    if (Date.now() > deadline) throw new Error(`image ${id}: ${JSON.stringify(res.body)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("the seeded image", () => {
  test("is listed, found by name, shown, and its data served as the seed stored it", async () => {
    showLogsOnFailure();
    const listed = await alice.get("/images?name=tiny-linux");
    expect(listed.status).toBe(200);
    expect(listed.body.images.map((i: { id: string }) => i.id)).toEqual([stack.imageId]);
    expect(listed.body).toMatchObject({
      first: "/v2/images?name=tiny-linux",
      schema: "/v2/schemas/images",
    });

    const shown = (await alice.get(`/images/${stack.imageId}`)).body;
    expect(shown).toMatchObject({
      name: "tiny-linux",
      status: "active",
      visibility: "public",
      disk_format: "qcow2",
      os_hash_algo: "sha512",
      file: `/v2/images/${stack.imageId}/file`,
    });
    expect(shown).not.toHaveProperty("location");

    const stored = await readFile(join(stack.imagesDir, stack.imageId));
    const res = await fetch(`${stack.url}/image/v2/images/${stack.imageId}/file`, {
      headers: { "x-auth-token": await stack.token(ALICE) },
    });
    const data = Buffer.from(await res.arrayBuffer());
    expect(data.equals(stored)).toBe(true);
    expect(createHash("md5").update(data).digest("hex")).toBe(shown.checksum);
    expect(createHash("sha512").update(data).digest("hex")).toBe(shown.os_hash_value);
    expect(shown.size).toBe(stored.length);
  });
});

describe("image records", () => {
  test("a member creates private images its project sees and others do not; admins see all", async () => {
    showLogsOnFailure();
    const created = await alice.post("/images", {
      name: "alice-private",
      visibility: "private",
      disk_format: "qcow2",
      container_format: "bare",
      os_distro: "busybox",
      tags: ["small"],
    });
    expect(created.status).toBe(201);
    expect(created.headers.get("location")).toBe(`${stack.url}/image/v2/images/${created.body.id}`);
    expect(created.body).toMatchObject({
      status: "queued",
      visibility: "private",
      owner: aliceProject,
      os_distro: "busybox",
      tags: ["small"],
      size: null,
      checksum: null,
    });
    const id = created.body.id;

    const bob = await images(BOB);
    expect((await bob.get(`/images/${id}`)).status).toBe(404);
    const bobList = (await bob.get("/images?limit=1000")).body.images.map(
      (i: { id: string }) => i.id,
    );
    expect(bobList).not.toContain(id);
    expect((await admin.get(`/images/${id}`)).status).toBe(200);
    expect((await alice.get(`/images?tag=small&os_distro=busybox`)).body.images).toHaveLength(1);

    const reader = await images(READER);
    expect((await reader.get(`/images/${id}`)).status).toBe(200);
    expect((await reader.post("/images", { name: "r" })).status).toBe(403);
    expect((await reader.request("PATCH", `/images/${id}`, [], PATCH)).status).toBe(403);
    expect((await reader.delete(`/images/${id}`)).status).toBe(403);
    // Another project's private image stays hidden from a reader too: 404 before any 403.
    const bobs = await newImage(bob, { visibility: "private" });
    expect((await reader.delete(`/images/${bobs}`)).status).toBe(404);
  });

  test("pages with Glance's next links until the last page", async () => {
    showLogsOnFailure();
    const owner = await images({ user: "pager", project: "img-pages" });
    const made = new Set<string>();
    for (let n = 0; n < 5; n++) made.add(await newImage(owner, { visibility: "private" }));
    const seen: string[] = [];
    let path = "/images?limit=2&visibility=private&sort=name:asc";
    for (let page = 0; page < 10 && path; page++) {
      const res = await owner.get(path);
      expect(res.status).toBe(200);
      seen.push(...res.body.images.map((i: { id: string }) => i.id));
      expect(res.body.first).toBe("/v2/images?limit=2&visibility=private&sort=name%3Aasc");
      path = res.body.next ? res.body.next.replace(/^\/v2/, "") : "";
    }
    expect(new Set(seen)).toEqual(made);
    expect(seen).toHaveLength(5);
  });

  test("PATCH follows JSON-patch with Glance's rules; publicizing needs the admin", async () => {
    showLogsOnFailure();
    const id = await newImage(alice, { os_version: "1" });
    const patched = await alice.request(
      "PATCH",
      `/images/${id}`,
      [
        { op: "replace", path: "/name", value: "renamed" },
        { op: "add", path: "/hw_disk_bus", value: "virtio" },
        { op: "remove", path: "/os_version" },
        { op: "replace", path: "/min_ram", value: 64 },
      ],
      PATCH,
    );
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect(patched.body).toMatchObject({ name: "renamed", hw_disk_bus: "virtio", min_ram: 64 });
    expect(patched.body).not.toHaveProperty("os_version");

    expect((await alice.put(`/images/${id}/tags/fresh`)).status).toBe(204);
    expect((await alice.delete(`/images/${id}/tags/fresh`)).status).toBe(204);
    expect((await alice.delete(`/images/${id}/tags/fresh`)).status).toBe(404);
    expect((await alice.get(`/images/${id}`)).body.tags).toEqual([]);

    const missing = await alice.request(
      "PATCH",
      `/images/${id}`,
      [{ op: "replace", path: "/nope", value: "x" }],
      PATCH,
    );
    expect([missing.status, missing.body.message]).toEqual([409, "Property nope does not exist."]);
    const wrongType = await alice.request("PATCH", `/images/${id}`, [], {
      "content-type": "application/json",
    });
    expect(wrongType.status).toBe(415);
    expect(wrongType.headers.get("accept-patch")).toContain("openstack-images-v2.1-json-patch");

    const publicize = [{ op: "replace", path: "/visibility", value: "public" }];
    expect((await alice.request("PATCH", `/images/${id}`, publicize, PATCH)).status).toBe(403);
    const byAdmin = await admin.request("PATCH", `/images/${id}`, publicize, PATCH);
    expect([byAdmin.status, byAdmin.body.visibility]).toEqual([200, "public"]);
    // Public now, but still Alice's: Bob sees it and may not change it.
    const bob = await images(BOB);
    expect((await bob.get(`/images/${id}`)).status).toBe(200);
    expect((await bob.request("PATCH", `/images/${id}`, [], PATCH)).status).toBe(403);
    expect((await bob.delete(`/images/${id}`)).status).toBe(403);
  });

  test("delete refuses protected images, then removes the record and the data", async () => {
    showLogsOnFailure();
    const id = await newImage(alice, { protected: true });
    expect((await upload(ALICE, id, Buffer.from("some bytes"))).status).toBe(204);
    const refused = await alice.delete(`/images/${id}`);
    expect([refused.status, refused.body.message]).toEqual([
      403,
      `Image ${id} is protected and cannot be deleted.`,
    ]);
    const unprotect = [{ op: "replace", path: "/protected", value: false }];
    expect((await alice.request("PATCH", `/images/${id}`, unprotect, PATCH)).status).toBe(200);
    expect(existsSync(join(stack.imagesDir, id))).toBe(true);
    expect((await alice.delete(`/images/${id}`)).status).toBe(204);
    expect(existsSync(join(stack.imagesDir, id))).toBe(false);
    expect((await alice.get(`/images/${id}`)).status).toBe(404);
    const again = await alice.delete(`/images/${id}`);
    expect([again.status, again.body.message]).toEqual([
      404,
      `Failed to find image ${id} to delete`,
    ]);
  });

  test("errors follow the client's Accept header as Glance's do", async () => {
    const missing = `/image/v2/images/${randomBytes(16).toString("hex")}`;
    const headers = { "x-auth-token": await stack.token(ALICE) };
    const html = await fetch(`${stack.url}${missing}`, { headers: { ...headers, accept: "*/*" } });
    expect(html.status).toBe(404);
    expect(html.headers.get("content-type")).toMatch(/^text\/html/);
    expect(await html.text()).toContain("<h1>404 Not Found</h1>");
    const json = await fetch(`${stack.url}${missing}`, {
      headers: { ...headers, accept: "application/json" },
    });
    expect((await json.json()).code).toBe("404 Not Found");
  });
});

describe("image data", () => {
  test("an upload makes the image active with its digests; a range comes back as 206", async () => {
    showLogsOnFailure();
    const seed = await readFile(join(stack.imagesDir, stack.imageId));
    const id = await newImage(alice, { disk_format: "qcow2" });
    expect((await upload(ALICE, id, seed)).status).toBe(204);
    const shown = await waitForImage(id, (i) => i.status === "active");
    const seeded = (await alice.get(`/images/${stack.imageId}`)).body;
    expect(shown).toMatchObject({
      size: seed.length,
      virtual_size: seeded.virtual_size,
      checksum: createHash("md5").update(seed).digest("hex"),
      os_hash_value: createHash("sha512").update(seed).digest("hex"),
    });
    expect(seeded.virtual_size).toBeGreaterThan(seed.length);

    const part = await fetch(`${stack.url}/image/v2/images/${id}/file`, {
      headers: { "x-auth-token": await stack.token(ALICE), range: "bytes=100-199" },
    });
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe(`bytes 100-199/${seed.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(seed.subarray(100, 200))).toBe(true);

    // Data goes in once: a second upload is refused, and a queued image has none to give.
    expect((await upload(ALICE, id, Buffer.from("again"))).status).toBe(409);
    const queued = await newImage(alice);
    const empty = await fetch(`${stack.url}/image/v2/images/${queued}/file`, {
      headers: { "x-auth-token": await stack.token(ALICE) },
    });
    expect(empty.status).toBe(204);
  });

  test("of two concurrent uploads the second gets 409 while the first goes on", async () => {
    showLogsOnFailure();
    const id = await newImage(alice);
    const data = randomBytes(4 * 1024 ** 2);
    // The first upload declares its length and sends half, then waits.
    const token = await stack.token(ALICE);
    let first!: ClientRequest;
    const firstDone = new Promise<number>((resolve, reject) => {
      first = request(
        `${stack.url}/image/v2/images/${id}/file`,
        {
          method: "PUT",
          headers: {
            "x-auth-token": token,
            "content-type": "application/octet-stream",
            "content-length": String(data.length),
          },
        },
        (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode ?? 0));
        },
      );
      first.on("error", reject);
      first.write(data.subarray(0, data.length / 2));
    });
    await waitForImage(id, (i) => i.status === "saving");
    const second = await upload(ALICE, id, Buffer.from("me too"));
    expect([second.status, second.body.message]).toEqual([
      409,
      "Image status transition from saving to saving is not allowed",
    ]);
    first.end(data.subarray(data.length / 2));
    expect(await firstDone).toBe(204);
    const shown = await waitForImage(id, (i) => i.status === "active");
    expect(shown.checksum).toBe(createHash("md5").update(data).digest("hex"));
  });

  test("an upload over the size cap is refused, declared or not, and the image stays queued", async () => {
    showLogsOnFailure();
    const id = await newImage(alice);
    const big = Buffer.alloc(MAX_SIZE + 1);
    expect((await upload(ALICE, id, big)).status).toBe(413);
    const chunked = await upload(ALICE, id, big, { chunked: true });
    expect(chunked.status).toBe(413);
    expect(chunked.body.message).toContain("The incoming image is too large");
    await waitForImage(id, (i) => i.status === "queued");
    expect(existsSync(join(stack.imagesDir, `${id}.partial`))).toBe(false);
    expect((await upload(ALICE, id, Buffer.from("fits"))).status).toBe(204);
  });

  test("an upload whose client goes away puts the image back in the queue and leaves no file", async () => {
    showLogsOnFailure();
    const id = await newImage(alice);
    const req = request(`${stack.url}/image/v2/images/${id}/file`, {
      method: "PUT",
      headers: {
        "x-auth-token": await stack.token(ALICE),
        "content-type": "application/octet-stream",
        "content-length": String(8 * 1024 ** 2),
      },
    });
    req.on("error", () => undefined);
    req.write(randomBytes(1024 ** 2));
    await waitForImage(id, (i) => i.status === "saving");
    req.destroy();
    await waitForImage(id, (i) => i.status === "queued");
    expect(existsSync(join(stack.imagesDir, `${id}.partial`))).toBe(false);
    expect(existsSync(join(stack.imagesDir, id))).toBe(false);
  });

  test("a compute host downloads an uploaded image and boots a server from it", async () => {
    showLogsOnFailure();
    const seed = await readFile(join(stack.imagesDir, stack.imageId));
    const id = await newImage(alice, { disk_format: "qcow2", visibility: "private" });
    expect((await upload(ALICE, id, seed)).status).toBe(204);
    const compute = await stack.compute(ALICE);
    const created = await compute.post("/servers", {
      server: { name: "from-upload", imageRef: id, flavorRef: "1", networks: "none" },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(202);
    const server = await stack.waitForServer(created.body.server.id, isActive, 60_000);
    expect(server.image).toEqual(expect.objectContaining({ id }));
    expect((await compute.delete(`/servers/${server.id}`)).status).toBe(204);
    await stack.waitForServerGone(server.id);
  });
});
