// GET /image/v2/images/{id} and its /file over HTTP, with real files in a temporary image store:
// visibility through the conductor, Glance's shapes and headers, ranges, and data that is missing.
import { createHash } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { anImage } from "../../../test/fixtures";
import { startTestWeb, type TestWeb } from "../../../test/harness";

let t: TestWeb;
const bytes = Buffer.from(Array.from({ length: 70_000 }, (_, i) => i % 251));
const md5 = createHash("md5").update(bytes).digest("hex");

beforeAll(async () => {
  t = await startTestWeb();
});
afterAll(async () => {
  await t?.close();
});
afterEach(() => {
  t.conductor.images.length = 0;
  t.conductor.calls.length = 0;
});

async function stored(overrides: Parameters<typeof anImage>[0] = {}) {
  const image = anImage({ size: bytes.length, checksum: md5, ...overrides });
  const location =
    overrides.location === undefined ? join(t.imagesDir, image.id) : overrides.location;
  if (overrides.location === undefined) await writeFile(location as string, bytes);
  const withLocation = { ...image, location };
  t.conductor.images.push(withLocation);
  return withLocation;
}

describe("GET /image/v2/images/{id}", () => {
  it("shows a public image in Glance's shape to anyone with a token", async () => {
    const image = await stored();
    const res = await t.request("GET", `/image/v2/images/${image.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: image.id,
      status: "active",
      visibility: "public",
      checksum: md5,
      size: bytes.length,
      file: `/v2/images/${image.id}/file`,
      architecture: "x86_64",
    });
    expect(res.body).not.toHaveProperty("location");
    expect(t.conductor.callsOf("get_image")[0]?.payload).toEqual({ id: image.id, projectId: "p1" });
    expect((await t.request("GET", `/image/v2/images/${image.id}`, { token: null })).status).toBe(
      401,
    );
  });

  it("hides another project's private image (404 in Glance's words), not from admins", async () => {
    const image = await stored({ visibility: "private", owner: "p2" });
    // webob's negotiation: HTML for "*/*" (what the stock clients send), JSON when preferred.
    const res = await t.request("GET", `/image/v2/images/${image.id}`);
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    expect(res.body).toContain("<h1>404 Not Found</h1>");
    expect(res.body).toContain(`No image found with ID ${image.id}<br /><br />`);
    const json = await t.request("GET", `/image/v2/images/${image.id}`, {
      headers: { accept: "application/json" },
    });
    expect(json.body).toEqual({
      code: "404 Not Found",
      title: "Not Found",
      message: `No image found with ID ${image.id}`,
    });
    expect(
      (await t.request("GET", `/image/v2/images/${image.id}`, { token: "admin:x" })).status,
    ).toBe(200);
    expect(t.conductor.callsOf("get_image").at(-1)?.payload.projectId).toBeNull();
  });
});

describe("GET /image/v2/images/{id}/file", () => {
  it("streams the bytes with length, type and Glance's (hex) Content-MD5", async () => {
    const image = await stored();
    const res = await fetch(`${t.base}/image/v2/images/${image.id}/file`, {
      headers: { "x-auth-token": "alice:p1" },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/octet-stream");
    expect(res.headers.get("content-length")).toBe(String(bytes.length));
    expect(res.headers.get("content-md5")).toBe(md5);
    expect(res.headers.get("x-openstack-request-id")).toMatch(/^req-/);
    const got = Buffer.from(await res.arrayBuffer());
    expect(createHash("md5").update(got).digest("hex")).toBe(md5);
  });

  it("serves single byte ranges (206) and refuses unsatisfiable ones (416)", async () => {
    const image = await stored();
    const url = `${t.base}/image/v2/images/${image.id}/file`;
    const part = await fetch(url, {
      headers: { "x-auth-token": "alice:p1", range: "bytes=10-19" },
    });
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe(`bytes 10-19/${bytes.length}`);
    expect(Buffer.from(await part.arrayBuffer())).toEqual(bytes.subarray(10, 20));
    const tail = await fetch(url, { headers: { "x-auth-token": "alice:p1", range: "bytes=-5" } });
    expect(Buffer.from(await tail.arrayBuffer())).toEqual(bytes.subarray(bytes.length - 5));
    const bad = await fetch(url, {
      headers: { "x-auth-token": "alice:p1", range: `bytes=${bytes.length}-` },
    });
    expect(bad.status).toBe(416);
    expect(bad.headers.get("content-range")).toBe(`bytes */${bytes.length}`);
  });

  it("answers 204 when the image has no data: not uploaded, or gone from the store", async () => {
    const queued = await stored({ status: "queued", location: null, size: null, checksum: null });
    const res = await t.request("GET", `/image/v2/images/${queued.id}/file`);
    expect(res.status).toBe(204);
    const lost = await stored({ location: join(t.imagesDir, "no-such-file") });
    expect((await t.request("GET", `/image/v2/images/${lost.id}/file`)).status).toBe(204);
  });

  it("never serves a file outside the image store", async () => {
    const outside = await stored({ location: "/etc/passwd" });
    const res = await t.request("GET", `/image/v2/images/${outside.id}/file`);
    expect(res.status).toBe(500);
    expect(res.body).toContain("Unexpected API Error");
    expect(res.body).not.toContain("passwd");
  });

  it("is 404 for an image the caller cannot see", async () => {
    const image = await stored({ visibility: "private", owner: "p2" });
    expect((await t.request("GET", `/image/v2/images/${image.id}/file`)).status).toBe(404);
  });
});
