import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { getRequestListener } from "@hono/node-server";
import { createMemoryBus } from "@nimbus/rpc/memory";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createRestApp, type RestRoutes } from "./app";
import { noauth2 } from "./auth/noauth2";
import { parseBody } from "./body";
import { HttpError } from "./errors";

// A resource that exists only in this test, to exercise what every real handler will rely on.
const probe: RestRoutes["compute"][number] = (r) => {
  r.get("/probe", (c) => {
    const { ctx } = c.var;
    return c.json({
      ...ctx,
      microversion: ctx.microversion.toString(),
      atLeast247: ctx.microversion.atLeast("2.47"),
    });
  });
  r.post("/probe", async (c) =>
    c.json(await parseBody(c, z.object({ probe: z.object({ n: z.number() }) }))),
  );
  r.delete("/probe/:id", (c) => {
    if (c.req.param("id") === "busy") {
      throw Object.assign(new Error("probe busy is busy"), { code: "conflict" });
    }
    // A bus client could reject with a plain object; it must still be mapped, not crash the request.
    if (c.req.param("id") === "quota")
      throw { code: "over_quota", message: "Quota exceeded for instances" };
    if (c.req.param("id") === "gone") throw HttpError.notFound("Probe gone could not be found.");
    throw new Error("kaboom with internals");
  });
};

function app(routes: Partial<RestRoutes> = {}) {
  return createRestApp(
    {
      log: pino({ level: "silent" }),
      auth: noauth2(),
      bus: createMemoryBus(),
      imagesDir: "/nonexistent",
      maxImageBytes: 1024,
      maxBodyBytes: 1024,
    },
    { compute: [probe], identity: [], image: [], ...routes },
  );
}

const token = { "x-auth-token": "alice:p1" };

describe("the REST app", () => {
  it("gives compute handlers the caller, the request id and the microversion", async () => {
    const res = await app().request("/compute/v2.1/probe", {
      headers: { ...token, "OpenStack-API-Version": "compute 2.47" },
    });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({
      userId: "alice",
      projectId: "p1",
      isAdmin: false,
      microversion: "2.47",
      atLeast247: true,
    });
    expect(body.requestId).toBe(res.headers.get("x-openstack-request-id"));
    expect(res.headers.get("x-compute-request-id")).toBe(body.requestId);
    expect(res.headers.get("openstack-api-version")).toBe("compute 2.47");
  });

  it("keeps a well-formed inbound request id and replaces a malformed one", async () => {
    const id = "req-0b0e4bd2-2b0b-4c0e-9d5f-2f5b0a0f7c11";
    const kept = await app().request("/compute/", { headers: { "X-Openstack-Request-Id": id } });
    expect(kept.headers.get("x-openstack-request-id")).toBe(id);
    const replaced = await app().request("/compute/", {
      headers: { "X-Openstack-Request-Id": "req-; rm -rf" },
    });
    expect(replaced.headers.get("x-openstack-request-id")).toMatch(/^req-[0-9a-f-]{36}$/);
  });

  it("validates bodies: malformed 400, valid parsed, over the limit 413", async () => {
    const post = (body: BodyInit, headers: Record<string, string> = {}) =>
      app().request("/compute/v2.1/probe", {
        method: "POST",
        body,
        headers: { ...token, ...headers },
      });
    const malformed = await post("{oops", { "content-type": "application/json" });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toEqual({
      badRequest: { code: 400, message: "Malformed request body" },
    });
    expect(
      await (await post('{"probe":{"n":1}}', { "content-type": "application/json" })).json(),
    ).toEqual({
      probe: { n: 1 },
    });
    const invalid = await post('{"probe":{"n":"1"}}');
    expect((await invalid.json()).badRequest.message).toMatch(
      /^Invalid input for field\/attribute n\. Value: 1\./,
    );
    const huge = await post(JSON.stringify({ probe: { n: 1, pad: "x".repeat(2048) } }));
    expect(huge.status).toBe(413);
    expect(await huge.json()).toEqual({
      overLimit: { code: 413, message: "Request is too large." },
    });
  });

  it("counts a chunked body against the limit too", async () => {
    const chunks = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 4; i++) controller.enqueue(new TextEncoder().encode("x".repeat(512)));
        controller.close();
      },
    });
    const res = await app().request("/compute/v2.1/probe", {
      method: "POST",
      body: chunks,
      headers: token,
      duplex: "half",
    } as RequestInit);
    expect(res.status).toBe(413);
  });

  it("answers a body it refuses before reading once the client has sent it, and keeps the connection", async () => {
    const server = createServer(getRequestListener(app().fetch, { overrideGlobalObjects: false }));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/compute/v2.1/probe`;
    const post = (body: string) =>
      fetch(base, { method: "POST", headers: token, body, signal: AbortSignal.timeout(5_000) });
    try {
      const small = await post(JSON.stringify({ probe: { n: 1 } }));
      expect(small.status).toBe(200);
      // The 413 is read, not a failed write (EPIPE) on a socket closed under the client, and the
      // next request on the same connection works (it failed with "other side closed").
      for (let i = 0; i < 10; i++) {
        const big = await post("x".repeat(8 * 1024 ** 2));
        expect(big.status).toBe(413);
        expect(big.headers.get("connection")).not.toBe("close");
        await big.text();
        expect((await fetch(base, { headers: token })).status).toBe(200);
      }
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("answers an unknown path 404 and a known path with the wrong method 405 with Allow", async () => {
    const missing = await app().request("/compute/v2.1/nothing", { headers: token });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({
      itemNotFound: { code: 404, message: "The resource could not be found." },
    });
    const wrong = await app().request("/compute/v2.1/probe", { method: "PUT", headers: token });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get("allow")).toBe("GET, HEAD, POST");
    expect((await wrong.json()).badMethod.code).toBe(405);
  });

  it("maps bus errors and HttpErrors, and hides unexpected ones behind a 500 with the request id", async () => {
    const del = (id: string) =>
      app().request(`/compute/v2.1/probe/${id}`, { method: "DELETE", headers: token });
    expect(await (await del("busy")).json()).toEqual({
      conflictingRequest: { code: 409, message: "probe busy is busy" },
    });
    expect(await (await del("quota")).json()).toEqual({
      forbidden: { code: 403, message: "Quota exceeded for instances" },
    });
    expect((await del("gone")).status).toBe(404);
    const boom = await del("boom");
    expect(boom.status).toBe(500);
    const text = await boom.text();
    expect(text).toContain(boom.headers.get("x-openstack-request-id"));
    expect(text).not.toMatch(/kaboom|at .*\.ts/);
    expect(JSON.parse(text).computeFault.code).toBe(500);
  });

  it("answers identity and image errors in Keystone's and Glance's shapes", async () => {
    const identity = await app().request("/identity/v3/nothing");
    expect(identity.status).toBe(404);
    expect((await identity.json()).error).toEqual({
      code: 404,
      title: "Not Found",
      message: "The resource could not be found.",
    });
    expect(identity.headers.get("x-compute-request-id")).toBeNull();
    const image = await app().request("/image/v2/images", {
      headers: { accept: "application/json" },
    });
    expect(image.status).toBe(401);
    expect((await image.json()).title).toBe("Unauthorized");
  });

  it("lets identity modules choose which routes need a token", async () => {
    const { requireAuth } = await import("./auth/middleware");
    const withIdentity = app({
      identity: [
        (r, deps) => {
          r.post("/auth/tokens", (c) => c.json({ token: {} }, 201));
          r.get("/projects", requireAuth(deps.auth), (c) =>
            c.json({ projects: [c.var.auth?.projectId] }),
          );
        },
      ],
    });
    expect(
      (await withIdentity.request("/identity/v3/auth/tokens", { method: "POST" })).status,
    ).toBe(201);
    expect((await withIdentity.request("/identity/v3/projects")).status).toBe(401);
    const listed = await withIdentity.request("/identity/v3/projects", { headers: token });
    expect(await listed.json()).toEqual({ projects: ["p1"] });
  });
});
