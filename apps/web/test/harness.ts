// The web server on a real port, without Next.js, in front of the in-memory bus and a fake
// conductor: what the REST API's integration tests drive with plain HTTP.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createMemoryBus, type MemoryBus } from "@nimbus/rpc/memory";
import { capturingLogger } from "@nimbus/rpc/testing";
import { parseWebConfig } from "../src/env";
import type { AuthContext } from "../src/rest/context";
import type { AuthStrategy } from "../src/rest/auth/strategy";
import { createWebServer, type WebServer } from "../src/server/web-server";
import { serveFakeConductor, type FakeConductor } from "./fake-conductor";

/**
 * Tokens for tests: `user:project[:role,role]`. Without roles a user is a member (as noauth2);
 * `:reader` makes a read-only user, `:none` one without any role; `admin` is an administrator.
 */
export const testAuth: AuthStrategy = {
  name: "test",
  async authenticate(token: string): Promise<AuthContext | null> {
    const [userId = "", projectId = userId, roleList] = token.split(":");
    if (!userId) return null;
    const isAdmin = userId === "admin";
    let roles = isAdmin ? ["admin", "member", "reader"] : ["member", "reader"];
    if (roleList === "none") roles = [];
    else if (roleList) roles = roleList.split(",");
    return { userId, projectId, roles, isAdmin };
  },
};

export interface Reply {
  status: number;
  headers: Headers;
  /** Parsed JSON, loosely typed so tests can reach into it; the assertions are the checks. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

export interface TestWeb {
  base: string;
  bus: MemoryBus;
  conductor: FakeConductor;
  imagesDir: string;
  logs: Record<string, unknown>[];
  request(
    method: string,
    path: string,
    opts?: {
      token?: string | null;
      version?: string;
      body?: unknown;
      headers?: Record<string, string>;
    },
  ): Promise<Reply>;
  close(): Promise<void>;
}

export async function startTestWeb(): Promise<TestWeb> {
  const bus = createMemoryBus();
  const conductor = await serveFakeConductor(bus);
  const imagesDir = await mkdtemp(join(tmpdir(), "nimbus-web-images-"));
  const config = parseWebConfig({ NIMBUS_LOG_LEVEL: "info", NIMBUS_IMAGES_DIR: imagesDir });
  const { logger, lines } = capturingLogger("info");
  let web: WebServer | undefined;
  try {
    web = await createWebServer({ config, log: logger, bus, auth: testAuth, withNext: false });
    const { port } = await web.listen(0, "127.0.0.1");
    const base = `http://127.0.0.1:${port}`;
    const server = web;
    return {
      base,
      bus,
      conductor,
      imagesDir,
      logs: lines,
      async request(method, path, opts = {}) {
        const headers: Record<string, string> = { ...opts.headers };
        const token = opts.token === undefined ? "alice:p1" : opts.token;
        if (token !== null) headers["x-auth-token"] = token;
        if (opts.version) headers["OpenStack-API-Version"] = `compute ${opts.version}`;
        let body: string | undefined;
        if (opts.body !== undefined) {
          headers["content-type"] ??= "application/json";
          body = typeof opts.body === "string" ? opts.body : JSON.stringify(opts.body);
        }
        const res = await fetch(base + path, { method, headers, body, redirect: "manual" });
        const text = await res.text();
        const type = res.headers.get("content-type") ?? "";
        return {
          status: res.status,
          headers: res.headers,
          body: text && type.includes("json") ? JSON.parse(text) : text || null,
        };
      },
      async close() {
        await server.close();
        await bus.close();
        await rm(imagesDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await web?.close();
    await rm(imagesDir, { recursive: true, force: true });
    throw err;
  }
}
