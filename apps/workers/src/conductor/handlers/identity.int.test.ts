// The identity handlers on a real database: logins and scopes, what a token stands for over its
// life (expiry, revocation, roles taken away, a new password), and the admin CRUD's answers.
import { createHash, randomBytes } from "node:crypto";
import {
  authenticate,
  checkRole,
  createProject,
  createRole,
  createUser,
  deleteProject,
  deleteRole,
  getProject,
  grantRole,
  listProjects,
  listRoleAssignments,
  listRoles,
  rescopeToken,
  revokeRole,
  revokeToken,
  updateProject,
  updateUser,
  validateToken,
  type NotificationEvent,
  type Project,
  type Role,
  type User,
} from "@nimbus/rpc";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminCtx, createHarness, type Harness } from "../testing";

let h: Harness;
const ctx = adminCtx();
const call = <Q, R>(contract: Parameters<Harness["bus"]["call"]>[0], req: Q) =>
  h.bus.call(contract, req as never, { ctx }) as Promise<R>;
const events: NotificationEvent[] = [];

const roles = new Map<string, Role>();
let projectA: Project;
let projectB: Project;
let alice: User;

const PASSWORD = "correct horse battery";
const newHash = () => createHash("sha256").update(randomBytes(32)).digest("hex");

function login(
  user: { name: string } | { id: string },
  password = PASSWORD,
  scope: unknown = { project: { name: projectA.name, domain: { id: "default" } } },
) {
  const tokenHash = newHash();
  const ref = "id" in user ? user : { name: user.name, domain: { name: "Default" } };
  return {
    tokenHash,
    reply: h.bus.call(
      authenticate,
      { tokenHash, user: ref, password, scope: scope as never },
      { ctx },
    ),
  };
}

const validate = (tokenHash: string) => h.bus.call(validateToken, { tokenHash }, { ctx });
const refusal = (p: Promise<unknown>) =>
  p.then(
    () => "accepted",
    (err: { code: string }) => err.code,
  );

beforeAll(async () => {
  h = await createHarness({ env: { NIMBUS_TOKEN_TTL: "600" } });
  await h.bus.subscribe(["identity.*"], (e) => void events.push(e));
  for (const name of ["admin", "member", "reader"]) {
    roles.set(name, await call(createRole, { name }));
  }
  const project = (name: string) =>
    call<object, Project>(createProject, {
      name,
      domainId: "default",
      description: null,
      enabled: true,
    });
  projectA = await project("project-a");
  projectB = await project("project-b");
  alice = await call(createUser, {
    name: "alice",
    domainId: "default",
    password: PASSWORD,
    enabled: true,
    defaultProjectId: projectA.id,
    email: null,
  });
  await call(grantRole, {
    userId: alice.id,
    projectId: projectA.id,
    roleId: roles.get("member")!.id,
  });
});
afterAll(() => h?.close());

describe("authenticate", () => {
  it("issues a project-scoped token with the implied roles, valid until the TTL", async () => {
    const { tokenHash, reply } = login({ name: "alice" });
    const token = await reply;
    expect(token.user).toEqual({ id: alice.id, name: "alice", domainId: "default" });
    expect(token.project).toEqual({ id: projectA.id, name: "project-a", domainId: "default" });
    expect(token.domain).toBeNull();
    expect(token.roles.map((r) => r.name)).toEqual(["member", "reader"]);
    expect(token.methods).toEqual(["password"]);
    expect(token.auditId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(Date.parse(token.expiresAt) - Date.parse(token.issuedAt)).toBe(600_000);
    expect(await validate(tokenHash)).toEqual(token);
    // Only the hash is kept.
    const rows = await h.db.identityToken.findMany({ where: { userId: alice.id } });
    expect(rows.some((r) => r.tokenHash === tokenHash)).toBe(true);
  });

  it("answers a wrong password, an unknown user and a disabled user alike", async () => {
    const wrong = await login({ name: "alice" }, "wrong password").reply.catch((e: Error) => e);
    const unknown = await login({ name: "nobody" }).reply.catch((e: Error) => e);
    const otherDomain = await h.bus
      .call(
        authenticate,
        {
          tokenHash: newHash(),
          user: { name: "alice", domain: { id: "elsewhere" } },
          password: PASSWORD,
          scope: null,
        },
        { ctx },
      )
      .catch((e: Error) => e);
    for (const err of [wrong, unknown, otherDomain]) {
      expect(err).toMatchObject({
        code: "unauthorized",
        message: "The request you have made requires authentication.",
      });
    }
    const bob = await call<object, User>(createUser, {
      name: "bob-disabled",
      domainId: "default",
      password: PASSWORD,
      enabled: false,
      defaultProjectId: null,
      email: null,
    });
    expect(await refusal(login({ id: bob.id }, PASSWORD, null).reply)).toBe("unauthorized");
  });

  it("scopes by project id or name, to the default project when none is asked, or to nothing", async () => {
    expect(
      (await login({ id: alice.id }, PASSWORD, { project: { id: projectA.id } }).reply).project?.id,
    ).toBe(projectA.id);
    // No scope asked: the default project, as Keystone does; "unscoped" forces none.
    expect((await login({ name: "alice" }, PASSWORD, null).reply).project?.id).toBe(projectA.id);
    const unscoped = await login({ name: "alice" }, PASSWORD, "unscoped").reply;
    expect(unscoped).toMatchObject({ project: null, domain: null, roles: [] });
  });

  it("refuses a project the user has no role on, and a domain scope to anyone but an admin", async () => {
    const scopeB = { project: { id: projectB.id } };
    await expect(login({ name: "alice" }, PASSWORD, scopeB).reply).rejects.toMatchObject({
      code: "unauthorized",
      message: `User ${alice.id} has no access to project ${projectB.id}`,
    });
    const domain = { domain: { name: "Default" } };
    expect(await refusal(login({ name: "alice" }, PASSWORD, domain).reply)).toBe("unauthorized");

    const root = await call<object, User>(createUser, {
      name: "root",
      domainId: "default",
      password: PASSWORD,
      enabled: true,
      defaultProjectId: null,
      email: null,
    });
    await call(grantRole, {
      userId: root.id,
      projectId: projectB.id,
      roleId: roles.get("admin")!.id,
    });
    const { tokenHash, reply } = login({ name: "root" }, PASSWORD, domain);
    const token = await reply;
    expect(token).toMatchObject({ project: null, domain: { id: "default", name: "Default" } });
    expect(token.roles.map((r) => r.name)).toEqual(["admin", "member", "reader"]);
    expect((await validate(tokenHash)).domain?.id).toBe("default");
  });
});

describe("a token's life", () => {
  it("ends when it expires", async () => {
    const { tokenHash, reply } = login({ name: "alice" });
    await reply;
    h.advance(599_000);
    expect((await validate(tokenHash)).user.id).toBe(alice.id);
    h.advance(1_000);
    expect(await refusal(validate(tokenHash))).toBe("unauthorized");
  });

  it("ends when revoked, and every web cache hears of it", async () => {
    const { tokenHash, reply } = login({ name: "alice" });
    const { auditId } = await reply;
    expect(await h.bus.call(revokeToken, { tokenHash }, { ctx })).toEqual({ auditId });
    expect(await refusal(validate(tokenHash))).toBe("unauthorized");
    expect(await refusal(h.bus.call(revokeToken, { tokenHash }, { ctx }))).toBe("not_found");
    await h.running.conductor.notifier.flush();
    expect(events).toContainEqual(
      expect.objectContaining({ type: "identity.change", payload: { kind: "token", id: auditId } }),
    );
  });

  it("loses a role revoked since it was issued, and ends with the last one", async () => {
    const readerRole = roles.get("reader")!;
    const memberRole = roles.get("member")!;
    await call(grantRole, { userId: alice.id, projectId: projectA.id, roleId: readerRole.id });
    const { tokenHash, reply } = login({ name: "alice" });
    await reply;
    await call(revokeRole, { userId: alice.id, projectId: projectA.id, roleId: memberRole.id });
    expect((await validate(tokenHash)).roles.map((r) => r.name)).toEqual(["reader"]);
    await call(revokeRole, { userId: alice.id, projectId: projectA.id, roleId: readerRole.id });
    expect(await refusal(validate(tokenHash))).toBe("unauthorized");
    await call(grantRole, { userId: alice.id, projectId: projectA.id, roleId: memberRole.id });
  });

  it("ends with a new password or a disabled project; the new password logs in", async () => {
    const first = login({ name: "alice" });
    await first.reply;
    await call(updateUser, { id: alice.id, password: "a new password!" });
    expect(await refusal(validate(first.tokenHash))).toBe("unauthorized");
    expect(await refusal(login({ name: "alice" }).reply)).toBe("unauthorized");
    const second = login({ name: "alice" }, "a new password!");
    await second.reply;

    await call(updateProject, { id: projectA.id, enabled: false });
    expect(await refusal(validate(second.tokenHash))).toBe("unauthorized");
    await call(updateProject, { id: projectA.id, enabled: true });
    await call(updateUser, { id: alice.id, password: PASSWORD });
  });
});

describe("re-scoping (the token method)", () => {
  const rescope = (
    tokenHash: string,
    project: { id: string } | { name: string; domain: { name: string } },
  ) => {
    const newTokenHash = newHash();
    return {
      newTokenHash,
      reply: h.bus.call(rescopeToken, { tokenHash, newTokenHash, project }, { ctx }),
    };
  };

  it("scopes a new token to another project of the user, expiring with the original", async () => {
    const readerOnB = { userId: alice.id, projectId: projectB.id, roleId: roles.get("reader")!.id };
    await call(grantRole, readerOnB);
    try {
      const original = login({ name: "alice" });
      const first = await original.reply;
      h.advance(60_000);
      const { newTokenHash, reply } = rescope(original.tokenHash, { id: projectB.id });
      const token = await reply;
      expect(token.project).toEqual({ id: projectB.id, name: "project-b", domainId: "default" });
      expect(token.roles.map((r) => r.name)).toEqual(["reader"]);
      expect(token.methods).toEqual(["password", "token"]);
      expect(token.expiresAt).toBe(first.expiresAt);
      expect(Date.parse(token.issuedAt)).toBeGreaterThanOrEqual(
        Date.parse(first.issuedAt) + 60_000,
      );
      expect(token.auditId).not.toBe(first.auditId);
      expect(await validate(newTokenHash)).toEqual(token);
      // The original is untouched (Keystone does not revoke it), and both end together.
      expect((await validate(original.tokenHash)).project?.id).toBe(projectA.id);
      h.advance(540_000);
      expect(await refusal(validate(newTokenHash))).toBe("unauthorized");
    } finally {
      await call(revokeRole, readerOnB);
    }
  });

  it("refuses a project without a role, an unknown one, and a token that is no longer valid", async () => {
    const original = login({ name: "alice" });
    await original.reply;
    const byName = { name: "project-b", domain: { name: "Default" } };
    await expect(rescope(original.tokenHash, byName).reply).rejects.toMatchObject({
      code: "unauthorized",
      message: `User ${alice.id} has no access to project ${JSON.stringify(byName)}`,
    });
    expect(await refusal(rescope(original.tokenHash, { id: projectB.id }).reply)).toBe(
      "unauthorized",
    );
    expect(await refusal(rescope(original.tokenHash, { id: "0".repeat(32) }).reply)).toBe(
      "unauthorized",
    );
    expect(await refusal(rescope(newHash(), { id: projectA.id }).reply)).toBe("unauthorized");
    await h.bus.call(revokeToken, { tokenHash: original.tokenHash }, { ctx });
    expect(await refusal(rescope(original.tokenHash, { id: projectA.id }).reply)).toBe(
      "unauthorized",
    );
  });
});

describe("administration", () => {
  it("refuses duplicate names and unknown ids, names included", async () => {
    const dup = { name: "project-a", domainId: "default", description: null, enabled: true };
    expect(await refusal(call(createProject, dup))).toBe("conflict");
    expect(await refusal(call(createRole, { name: "member" }))).toBe("conflict");
    expect(await refusal(call(getProject, { id: "project-a" }))).toBe("not_found");
    expect(await refusal(call(updateProject, { id: projectB.id, name: "project-a" }))).toBe(
      "conflict",
    );
    const grant = { userId: alice.id, projectId: projectB.id, roleId: "0".repeat(32) };
    expect(await refusal(call(grantRole, grant))).toBe("not_found");
    expect(await refusal(call(checkRole, { ...grant, roleId: roles.get("member")!.id }))).toBe(
      "not_found",
    );
  });

  it("lists projects by user and assignments with names", async () => {
    const mine = await call<object, { projects: Project[] }>(listProjects, { userId: alice.id });
    expect(mine.projects.map((p) => p.name)).toEqual(["project-a"]);
    const byName = await call<object, { projects: Project[] }>(listProjects, { name: "project-b" });
    expect(byName.projects.map((p) => p.id)).toEqual([projectB.id]);
    const { assignments } = await call<object, { assignments: unknown[] }>(listRoleAssignments, {
      userId: alice.id,
    });
    expect(assignments).toEqual([
      {
        user: { id: alice.id, name: "alice", domainId: "default" },
        project: { id: projectA.id, name: "project-a", domainId: "default" },
        role: roles.get("member"),
      },
    ]);
  });

  it("deletes a project with its tokens and a role with its assignments", async () => {
    const temp = await call<object, Project>(createProject, {
      name: "temporary",
      domainId: "default",
      description: "goes away",
      enabled: true,
    });
    const extra = await call<object, Role>(createRole, { name: "extra" });
    await call(grantRole, { userId: alice.id, projectId: temp.id, roleId: extra.id });
    const { tokenHash, reply } = login({ name: "alice" }, PASSWORD, { project: { id: temp.id } });
    expect((await reply).roles.map((r) => r.name)).toEqual(["extra"]);
    await call(deleteRole, { id: extra.id });
    expect(await refusal(validate(tokenHash))).toBe("unauthorized");
    await call(deleteProject, { id: temp.id });
    expect(await refusal(call(getProject, { id: temp.id }))).toBe("not_found");
    const left = await call<object, { roles: Role[] }>(listRoles, {});
    expect(left.roles.map((r) => r.name)).toEqual(["admin", "member", "reader"]);
  });
});
