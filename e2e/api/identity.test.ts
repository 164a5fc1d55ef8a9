// Keystone in a whole cloud, with tokens that live 15 s: the stock CLI logs in with a password and
// administers projects, users and roles; a token stops working on every API the moment it is
// revoked, its user's password changes or its role is taken away, and when it expires (despite the
// web's cache); failed logins are limited per user and address.
import { afterAll, beforeAll, describe, expect, onTestFailed, test } from "vitest";
import { client } from "../stack/client";
import { createProjectUser, type ProjectUser } from "../stack/identity";
import { run, startStack, type Stack } from "../stack/stack";

const TTL_S = 15;

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({
    name: "identity",
    envFor: { conductor: { NIMBUS_TOKEN_TTL: String(TTL_S) } },
  });
});
afterAll(async () => {
  await stack?.stop();
});

const logsOnFailure = () => onTestFailed(async () => console.log(await stack.logTail(30)));

/** The statuses one token gets from the compute, image and identity APIs. */
async function statuses(token: string): Promise<number[]> {
  const headers = { "x-auth-token": token };
  const res = await Promise.all([
    fetch(`${stack.computeUrl}/servers`, { headers }),
    fetch(`${stack.url}/image/v2/images/${stack.imageId}`, { headers }),
    fetch(`${stack.url}/identity/v3/auth/projects`, { headers }),
  ]);
  await Promise.all(res.map((r) => r.body?.cancel()));
  return res.map((r) => r.status);
}

/**
 * `openstack ARGS` (with `-f json` unless `json` is false: commands that print nothing take no
 * format) as `user` in `project`, with the environment `source openrc` sets.
 */
async function openstack(
  args: string[],
  as: { user: string; password: string; project: string },
  json = true,
) {
  const out = await run("openstack", json ? [...args, "-f", "json"] : args, {
    OS_AUTH_URL: `${stack.url}/identity/v3`,
    OS_USERNAME: as.user,
    OS_PASSWORD: as.password,
    OS_PROJECT_NAME: as.project,
    OS_USER_DOMAIN_NAME: "Default",
    OS_PROJECT_DOMAIN_NAME: "Default",
    OS_IDENTITY_API_VERSION: "3",
    OS_REGION_NAME: "RegionOne",
  });
  return out.trim() ? JSON.parse(out) : null;
}

describe("the stock openstack CLI with a password", () => {
  test("issues a token, lists the catalog, projects and servers, and administers users and roles", async () => {
    logsOnFailure();
    const admin = { user: "admin", password: stack.adminPassword, project: "admin" };
    const token = await openstack(["token", "issue"], admin);
    expect(token).toMatchObject({ id: expect.any(String), project_id: expect.any(String) });
    expect(Date.parse(token.expires)).toBeGreaterThan(Date.now());

    const catalog = await openstack(["catalog", "list"], admin);
    expect(catalog.map((s: { Type: string }) => s.Type).sort()).toEqual([
      "compute",
      "identity",
      "image",
    ]);
    const projects = await openstack(["project", "list"], admin);
    expect(projects.map((p: { Name: string }) => p.Name)).toEqual(
      expect.arrayContaining(["admin", "service"]),
    );
    expect(await openstack(["server", "list"], admin)).toEqual([]);

    await openstack(["project", "create", "cli-demo"], admin);
    await openstack(
      ["user", "create", "--project", "cli-demo", "--password", "cli-secret-1", "cli-user"],
      admin,
    );
    await openstack(
      ["role", "add", "--project", "cli-demo", "--user", "cli-user", "member"],
      admin,
      false,
    );
    const assignments = await openstack(
      ["role", "assignment", "list", "--project", "cli-demo", "--names"],
      admin,
    );
    expect(assignments).toEqual([
      expect.objectContaining({
        Role: "member",
        User: "cli-user@Default",
        Project: "cli-demo@Default",
      }),
    ]);

    // The new member logs in with its own password and sees its (empty) project.
    const member = { user: "cli-user", password: "cli-secret-1", project: "cli-demo" };
    expect(await openstack(["server", "list"], member)).toEqual([]);
    expect((await openstack(["token", "issue"], member)).project_id).toBe(
      (await openstack(["project", "show", "cli-demo"], admin)).id,
    );
    // …but may not administer: its project list falls back to its own projects, as the CLI does
    // on a 403 from GET /v3/projects.
    expect(
      (await openstack(["project", "list"], member)).map((p: { Name: string }) => p.Name),
    ).toEqual(["cli-demo"]);
    await expect(openstack(["user", "list"], member)).rejects.toThrow(/403|Forbidden/);

    await openstack(["user", "delete", "cli-user"], admin, false);
    await openstack(["project", "delete", "cli-demo"], admin, false);
    await expect(openstack(["token", "issue"], member)).rejects.toThrow(/401|authenticate/i);
  });
});

describe("a token's life across the APIs", () => {
  let alice: ProjectUser;

  beforeAll(async () => {
    alice = await createProjectUser(stack, { name: "alice" });
  });

  test("is refused by every API at once when revoked, though the web had it cached", async () => {
    logsOnFailure();
    const token = await stack.login(alice.userName, alice.password, alice.projectName);
    expect(await statuses(token)).toEqual([200, 200, 200]);
    const res = await client(`${stack.url}/identity/v3`, {
      "x-auth-token": token,
      "x-subject-token": token,
    }).delete("/auth/tokens");
    expect(res.status).toBe(204);
    expect(await statuses(token)).toEqual([401, 401, 401]);
  });

  test("is refused at once when its user's password changes or its last role is revoked", async () => {
    logsOnFailure();
    const bob = await createProjectUser(stack, { name: "bob" });
    expect(await statuses(bob.token)).toEqual([200, 200, 200]);
    // An admin client made now: the tokens of this cloud live 15 s.
    const identity = await stack.identityAdmin();
    const patched = await identity.request("PATCH", `/users/${bob.userId}`, {
      user: { password: "another password" },
    });
    expect(patched.status).toBe(200);
    expect(await statuses(bob.token)).toEqual([401, 401, 401]);

    const carol = await createProjectUser(stack, { name: "carol" });
    expect(await statuses(carol.token)).toEqual([200, 200, 200]);
    const roles = await identity.get("/roles?name=member");
    const revoked = await identity.delete(
      `/projects/${carol.projectId}/users/${carol.userId}/roles/${roles.body.roles[0].id}`,
    );
    expect(revoked.status).toBe(204);
    // The conductor tells the web by identity.change: no waiting for the cache to age.
    expect(await statuses(carol.token)).toEqual([401, 401, 401]);
  });

  test("works until it expires and is refused right after, whatever the web's cache holds", async () => {
    logsOnFailure();
    const res = await fetch(`${stack.url}/identity/v3/auth/tokens`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        auth: {
          identity: {
            methods: ["password"],
            password: {
              user: { name: alice.userName, domain: { id: "default" }, password: alice.password },
            },
          },
          scope: { project: { id: alice.projectId } },
        },
      }),
    });
    expect(res.status).toBe(201);
    const token = res.headers.get("x-subject-token")!;
    const expiresAt = Date.parse((await res.json()).token.expires_at);
    expect(expiresAt - Date.now()).toBeLessThanOrEqual(TTL_S * 1000);

    // Poll until refused: every answer before the expiry is a 200, the first 401 comes after it.
    const seen: Array<{ at: number; status: number }> = [];
    const deadline = expiresAt + 5_000;
    for (;;) {
      const at = Date.now();
      const [status] = await statuses(token);
      seen.push({ at, status: status! });
      if (status === 401 || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const refused = seen.find((s) => s.status === 401);
    expect(refused, JSON.stringify(seen)).toBeDefined();
    expect(seen.filter((s) => s.status !== 401).every((s) => s.status === 200)).toBe(true);
    expect(seen.filter((s) => s.at < expiresAt - 1_000).length).toBeGreaterThan(5);
    expect(refused!.at).toBeGreaterThanOrEqual(expiresAt - 1_000);
    expect(refused!.at).toBeLessThanOrEqual(expiresAt + 2_000);
  });
});

describe("failed logins", () => {
  test("five failures from one address lock that user out with 429 and Retry-After", async () => {
    logsOnFailure();
    const dave = await createProjectUser(stack, { name: "dave" });
    const attempt = (password: string) =>
      fetch(`${stack.url}/identity/v3/auth/tokens`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          auth: {
            identity: {
              methods: ["password"],
              password: { user: { name: dave.userName, domain: { name: "Default" }, password } },
            },
          },
        }),
      });
    for (let i = 0; i < 5; i++) expect((await attempt("wrong")).status).toBe(401);
    const locked = await attempt(dave.password);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(290);
    expect((await locked.json()).error.code).toBe(429);
    // Another user from the same address is not held up.
    const erin = await createProjectUser(stack, { name: "erin" });
    expect(await stack.login(erin.userName, erin.password, erin.projectName)).toMatch(/^\S{43}$/);
  });
});
