import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import {
  clearedSessionCookie,
  csrfVerdict,
  isHttps,
  sessionCookie,
  sessionToken,
} from "./session-cookie";

describe("the session cookie", () => {
  it("is read among other cookies, and absent when empty", () => {
    expect(sessionToken({ cookie: "a=1; nimbus_session=tok-en_1; b=2" })).toBe("tok-en_1");
    expect(sessionToken({ cookie: "nimbus_session=" })).toBeNull();
    expect(sessionToken({ cookie: "nimbus_sessionx=1" })).toBeNull();
    expect(sessionToken({})).toBeNull();
  });

  it("is HttpOnly, SameSite=Lax, lives as long as the token, and is Secure over https", () => {
    const now = Date.parse("2026-11-21T08:00:00Z");
    const cookie = sessionCookie("t", new Date(now + 3600_000), false, now);
    expect(cookie).toBe(
      "nimbus_session=t; Path=/; Expires=Sat, 21 Nov 2026 09:00:00 GMT; Max-Age=3600; HttpOnly; SameSite=Lax",
    );
    expect(sessionCookie("t", new Date(now + 1000), true, now)).toMatch(/; Secure$/);
    expect(clearedSessionCookie(false)).toMatch(/^nimbus_session=; Path=\/; .*Max-Age=0; HttpOnly/);
  });

  it("knows https from the socket, a proxy's X-Forwarded-Proto, or the public URL", () => {
    const req = (headers: Record<string, string>, encrypted = false) =>
      ({ headers, socket: encrypted ? { encrypted } : {} }) as unknown as IncomingMessage;
    expect(isHttps(req({}))).toBe(false);
    expect(isHttps(req({}, true))).toBe(true);
    expect(isHttps(req({ "x-forwarded-proto": "https, http" }))).toBe(true);
    expect(isHttps(req({ "x-forwarded-proto": "http" }), "https://cloud.example")).toBe(false);
    expect(isHttps(req({}), "https://cloud.example")).toBe(true);
  });
});

describe("csrfVerdict", () => {
  const json = { "content-type": "application/json", host: "cloud.example:8080" };

  it("lets a same-origin JSON request through, and one from the public URL's origin", () => {
    expect(csrfVerdict({ ...json, origin: "http://cloud.example:8080" }, {})).toEqual({ ok: true });
    expect(
      csrfVerdict(
        { ...json, host: "10.0.0.5:8080", origin: "https://cloud.example" },
        { publicUrl: "https://cloud.example" },
      ),
    ).toEqual({ ok: true });
  });

  it("refuses another origin, and a form post even from this origin", () => {
    expect(csrfVerdict({ ...json, origin: "https://evil.example" }, {})).toEqual({
      ok: false,
      reason: "cross-site request from https://evil.example",
    });
    expect(csrfVerdict({ ...json, origin: "null" }, {}).ok).toBe(false);
    expect(
      csrfVerdict(
        {
          host: "cloud.example:8080",
          origin: "http://cloud.example:8080",
          "content-type": "application/x-www-form-urlencoded",
        },
        {},
      ),
    ).toEqual({ ok: false, reason: "not a JSON request" });
  });
});
