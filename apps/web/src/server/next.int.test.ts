// The web server with Next.js in production mode: the dashboard and the APIs on one port.
// Serving needs `next build` output; the test builds once when there is none (about 20 s).
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { createMemoryBus } from "@nimbus/rpc/memory";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseWebConfig } from "../env";
import { upgradeStatus } from "../../test/upgrade";
import { createWebServer, type WebServer } from "./web-server";

const WEB_DIR = fileURLToPath(new URL("../..", import.meta.url));

let web: WebServer;
let base: string;
let upgradeListeners: number;

beforeAll(async () => {
  if (!existsSync(`${WEB_DIR}/.next/BUILD_ID`)) {
    const nextBin = createRequire(import.meta.url).resolve("next/dist/bin/next");
    execFileSync(process.execPath, [nextBin, "build"], {
      cwd: WEB_DIR,
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", TURBO_TELEMETRY_DISABLED: "1" },
      stdio: "pipe",
    });
  }
  const config = parseWebConfig({ NIMBUS_LOG_LEVEL: "silent", NIMBUS_AUTH_STRATEGY: "noauth2" });
  web = await createWebServer({
    config,
    log: pino({ level: "silent" }),
    bus: createMemoryBus(),
    withNext: true,
  });
  const { port } = await web.listen(0, "127.0.0.1");
  base = `http://127.0.0.1:${port}`;
  upgradeListeners = web.server.listenerCount("upgrade");
}, 300_000);

afterAll(async () => {
  await web?.close();
});

describe("web server with Next.js", () => {
  it("serves the sign-in page", async () => {
    const res = await fetch(`${base}/login`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain("<title>Sign in · Nimbus</title>");
    // The form reads the query string (?next, ?reason), so it renders in the browser; the page
    // ships it (the Playwright suite fills it in).
    expect(html).toContain("LoginForm");
  });

  it("opens / on the instances, and sends the signed-out from there to the sign-in page", async () => {
    const home = await fetch(`${base}/`, { redirect: "manual" });
    expect(home.status).toBe(307);
    expect(home.headers.get("location")).toBe("/project/instances");
    const instances = await fetch(`${base}/project/instances`, { redirect: "manual" });
    expect(instances.status).toBe(307);
    expect(instances.headers.get("location")).toBe("/login");
  });

  it("serves the page's stylesheet, with dark mode following the system setting", async () => {
    const html = await (await fetch(`${base}/login`)).text();
    const href = /<link rel="stylesheet" href="([^"]+\.css)"/.exec(html)?.[1];
    expect(href).toBeDefined();
    const css = await fetch(`${base}${href}`);
    expect(css.status).toBe(200);
    expect(await css.text()).toMatch(/@media \(prefers-color-scheme: ?dark\)/);
  });

  it("still routes the APIs and the health check past Next.js", async () => {
    const compute = await fetch(`${base}/compute/`);
    expect(compute.status).toBe(200);
    expect((await compute.json()).versions).toHaveLength(2);
    const unknown = await fetch(`${base}/compute/v2.1/nothing`, {
      headers: { "x-auth-token": "a:b" },
    });
    expect(await unknown.json()).toEqual({
      itemNotFound: { code: 404, message: "The resource could not be found." },
    });
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/api/trpc/health.check`)).status).toBe(200);
  });

  it("keeps websocket upgrades away from Next.js once it has served a page", async () => {
    await (await fetch(`${base}/login`)).arrayBuffer();
    // Next.js attaches its own upgrade listener on its first request unless given its own channel;
    // on this server it would close upgrades to its page paths and see the console's.
    expect(web.server.listenerCount("upgrade")).toBe(upgradeListeners);
    expect(await upgradeStatus(base, "/websockify?token=x")).toBe("HTTP/1.1 404 Not Found");
    expect(await upgradeStatus(base, "/login")).toBe("HTTP/1.1 404 Not Found");
  });

  it("answers unknown pages with Next.js's 404", async () => {
    const res = await fetch(`${base}/no-such-page`);
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
  });
});
