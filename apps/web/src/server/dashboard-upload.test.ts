import { once } from "node:events";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  beginImageUpload,
  finishImageUpload,
  getImage,
  handler,
  type Image,
  type TokenData,
} from "@nimbus/rpc";
import { createMemoryBus, type MemoryBus } from "@nimbus/rpc/memory";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { KeystoneStrategy } from "../rest/auth/keystone";
import { createDashboardUpload, uploadTarget } from "./dashboard-upload";

const PROJECT = "p".repeat(32);
const IMAGE = "6f1c3a52-1d3e-4c55-9a4e-0a1b2c3d4e5f";
const roles = (...names: string[]) => names.map((name) => ({ id: name.padEnd(32, "0"), name }));
const token = (r: TokenData["roles"]): TokenData => ({
  user: { id: "u".repeat(32), name: "alice", domainId: "default" },
  project: { id: PROJECT, name: "demo", domainId: "default" },
  domain: null,
  roles: r,
  methods: ["password"],
  auditId: "audit",
  issuedAt: new Date().toISOString(),
  expiresAt: new Date(Date.now() + 3600_000).toISOString(),
});
const TOKENS = new Map([
  ["member-token", token(roles("member", "reader"))],
  ["reader-token", token(roles("reader"))],
]);
const auth: KeystoneStrategy = {
  name: "keystone",
  cached: 0,
  authenticate: () => Promise.resolve(null),
  validate: (t) => Promise.resolve(TOKENS.get(t) ?? null),
};
const image = (over: Partial<Image> = {}): Image => ({
  id: IMAGE,
  name: "cirros",
  status: "queued",
  visibility: "private",
  owner: PROJECT,
  diskFormat: "raw",
  containerFormat: "bare",
  size: null,
  virtualSize: null,
  checksum: null,
  osHashAlgo: null,
  osHashValue: null,
  minDisk: 0,
  minRam: 0,
  protected: false,
  properties: {},
  tags: [],
  location: null,
  createdAt: new Date().toISOString(),
  updatedAt: new Date().toISOString(),
  ...over,
});

let bus: MemoryBus;
let server: Server;
let url: string;
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "nimbus-upload-"));
  bus = createMemoryBus();
  await bus.serve({ service: "conductor" }, [
    handler(getImage, () => image()),
    handler(beginImageUpload, () => image({ status: "saving" })),
    handler(finishImageUpload, (req) =>
      image({ status: "active", size: req.size, location: req.location }),
    ),
  ]);
  const upload = createDashboardUpload({
    log: pino({ level: "silent" }),
    bus,
    auth,
    imagesDir: dir,
    maxImageBytes: 1024,
  });
  server = createServer((req, res) => {
    const id = uploadTarget(req.url ?? "/");
    if (id === null) return void res.writeHead(404).end();
    void upload(req, res, id);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(async () => {
  server.closeAllConnections();
  server.close();
  await bus.close();
  await rm(dir, { recursive: true, force: true });
});

function put(headers: Record<string, string>, body = "hello", method = "PUT") {
  return fetch(`${url}/api/images/${IMAGE}/file`, {
    method,
    headers: {
      origin: url,
      "content-type": "application/octet-stream",
      cookie: "nimbus_session=member-token",
      ...headers,
    },
    ...(method !== "GET" && { body }),
  });
}

async function expectRefused(res: Response, status: number, message: string) {
  expect(res.status).toBe(status);
  expect(await res.json()).toEqual({ message });
  // Nothing reached the store.
  expect(await readdir(dir)).toEqual([]);
}

describe("the dashboard's image upload", () => {
  it("names the image of /api/images/{id}/file only", () => {
    expect(uploadTarget(`/api/images/${IMAGE}/file`)).toBe(IMAGE);
    expect(uploadTarget(`/api/images/${IMAGE}`)).toBeNull();
    expect(uploadTarget("/api/images/a/b/file")).toBeNull();
  });

  it("streams a member's bytes to the store and answers with the active image", async () => {
    const res = await put({});
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: IMAGE, status: "active", size: 5 });
    expect(await readFile(join(dir, IMAGE), "utf8")).toBe("hello");
  });

  it("refuses a request from another site's page", async () => {
    await expectRefused(
      await put({ origin: "https://evil.example" }),
      403,
      "This request did not come from the dashboard.",
    );
  });

  it("refuses a body a cross-site form could send without a preflight", async () => {
    for (const type of [
      "text/plain",
      "multipart/form-data; boundary=x",
      "application/x-www-form-urlencoded",
    ]) {
      await expectRefused(
        await put({ "content-type": type }),
        403,
        "This request did not come from the dashboard.",
      );
    }
  });

  it("refuses without a session, or with one that has ended", async () => {
    await expectRefused(await put({ cookie: "" }), 401, "Sign in to continue.");
    await expectRefused(
      await put({ cookie: "nimbus_session=revoked" }),
      401,
      "Your session has ended. Sign in again.",
    );
  });

  it("refuses a reader in the policy's words", async () => {
    await expectRefused(
      await put({ cookie: "nimbus_session=reader-token" }),
      403,
      "Policy doesn't allow images:write to be performed.",
    );
  });

  it("refuses another method, and a declared size over the limit before reading it", async () => {
    await expectRefused(await put({}, "x", "POST"), 405, "Use PUT to upload an image's data.");
    await expectRefused(
      await put({}, "x".repeat(2048)),
      413,
      "The incoming image is too large: more than 1024 bytes",
    );
  });
});
