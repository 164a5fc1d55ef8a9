// Who may do what, on one cloud: every caller × route pair below is one request and the status it
// must get. Callers: the admin; a member and a reader of project A; a member of project B; A's
// member with an unscoped token; no token; a token that is no token. Another project's server,
// key pair or private image is 404 (it is not there for the caller); a forbidden action 403; a
// missing or bad token 401; an unscoped token 403 everywhere but where a user reads itself.
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, onTestFailed, test } from "vitest";
import { client, type ApiResponse } from "../stack/client";
import { createProjectUser, type ProjectUser } from "../stack/identity";
import { computeServiceId, createServer, isActive } from "../stack/servers";
import { startStack, type Stack } from "../stack/stack";

const CALLERS = ["admin", "memberA", "readerA", "memberB", "unscoped", "none", "bad"] as const;
type Caller = (typeof CALLERS)[number];
type Expected = Record<Caller, number>;

/** Requests run in this order in every row, so the denials come before the deletes succeed. */
const RUN_ORDER: Caller[] = ["none", "bad", "unscoped", "memberB", "readerA", "admin", "memberA"];

/** What the rows act on, made in beforeAll. */
interface Fixtures {
  projectA: string;
  memberAUserId: string;
  memberBUserId: string;
  serverA: string;
  /** a second server of A's, for the admin's delete */
  serverA2: string;
  keyA: string;
  privateImageA: string;
  privateImageA2: string;
  publicImage: string;
  computeService: string;
  readerRoleId: string;
}

interface Row {
  route: string;
  api: "compute" | "image" | "identity";
  method: string;
  path: (fx: Fixtures, who: Caller) => string;
  body?: (fx: Fixtures, who: Caller) => unknown;
  expect: Expected;
  /** after a success: e.g. wait until a rebooted server is ACTIVE again */
  settle?: (fx: Fixtures) => Promise<void>;
}

const e = (...codes: number[]): Expected =>
  Object.fromEntries(CALLERS.map((c, i) => [c, codes[i]!])) as Expected;

const sshKey = () => {
  const x = Buffer.from(
    generateKeyPairSync("ed25519").publicKey.export({ format: "jwk" }).x!,
    "base64url",
  );
  const field = (b: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, b.length]), b]);
  return `ssh-ed25519 ${Buffer.concat([field(Buffer.from("ssh-ed25519")), field(x)]).toString("base64")} matrix`;
};
const unique = () => randomBytes(3).toString("hex");

let stack: Stack;

// prettier-ignore
const ROWS: Row[] = [
  //                                                                            admin memA  rdrA  memB  unsc  none  bad
  { route: "list servers", api: "compute", method: "GET", path: () => "/servers",
    expect: e(                                                                  200,  200,  200,  200,  403,  401,  401) },
  { route: "list every project's servers", api: "compute", method: "GET", path: () => "/servers?all_tenants=1",
    expect: e(                                                                  200,  403,  403,  403,  403,  401,  401) },
  { route: "show A's server", api: "compute", method: "GET", path: (f) => `/servers/${f.serverA}`,
    expect: e(                                                                  200,  200,  200,  404,  403,  401,  401) },
  { route: "create a server", api: "compute", method: "POST", path: () => "/servers",
    body: () => ({ server: { name: `m-${unique()}`, imageRef: stack.imageId, flavorRef: "1", networks: "none" } }),
    expect: e(                                                                  202,  202,  403,  202,  403,  401,  401) },
  { route: "reboot A's server", api: "compute", method: "POST", path: (f) => `/servers/${f.serverA}/action`,
    body: () => ({ reboot: { type: "SOFT" } }),
    settle: async (f) => void (await stack.waitForServer(f.serverA, isActive)),
    expect: e(                                                                  202,  202,  403,  404,  403,  401,  401) },
  { route: "delete A's server", api: "compute", method: "DELETE",
    path: (f, who) => `/servers/${who === "admin" ? f.serverA2 : f.serverA}`,
    expect: e(                                                                  204,  204,  403,  404,  403,  401,  401) },
  { route: "list flavors", api: "compute", method: "GET", path: () => "/flavors",
    expect: e(                                                                  200,  200,  200,  200,  403,  401,  401) },
  { route: "create a flavor", api: "compute", method: "POST", path: () => "/flavors",
    body: () => ({ flavor: { name: `f-${unique()}`, ram: 64, vcpus: 1, disk: 0 } }),
    expect: e(                                                                  200,  403,  403,  403,  403,  401,  401) },
  { route: "show A's quotas", api: "compute", method: "GET", path: (f) => `/os-quota-sets/${f.projectA}`,
    expect: e(                                                                  200,  200,  200,  403,  403,  401,  401) },
  { route: "update A's quotas", api: "compute", method: "PUT", path: (f) => `/os-quota-sets/${f.projectA}`,
    body: () => ({ quota_set: { instances: 20 } }),
    expect: e(                                                                  200,  403,  403,  403,  403,  401,  401) },
  { route: "import a key pair", api: "compute", method: "POST", path: () => "/os-keypairs",
    body: (_f, who) => ({ keypair: { name: `k-${who}-${unique()}`, public_key: sshKey() } }),
    expect: e(                                                                  201,  201,  403,  201,  403,  401,  401) },
  { route: "show A's member's key pair", api: "compute", method: "GET", path: (f) => `/os-keypairs/${f.keyA}`,
    expect: e(                                                                  404,  200,  404,  404,  403,  401,  401) },
  { route: "show it naming its user", api: "compute", method: "GET",
    path: (f) => `/os-keypairs/${f.keyA}?user_id=${f.memberAUserId}`,
    expect: e(                                                                  200,  200,  403,  403,  403,  401,  401) },
  { route: "delete A's member's key pair", api: "compute", method: "DELETE", path: (f) => `/os-keypairs/${f.keyA}`,
    expect: e(                                                                  404,  204,  403,  404,  403,  401,  401) },
  { route: "list hypervisors", api: "compute", method: "GET", path: () => "/os-hypervisors",
    expect: e(                                                                  200,  403,  403,  403,  403,  401,  401) },
  { route: "list services", api: "compute", method: "GET", path: () => "/os-services",
    expect: e(                                                                  200,  403,  403,  403,  403,  401,  401) },
  { route: "enable a compute service", api: "compute", method: "PUT", path: (f) => `/os-services/${f.computeService}`,
    body: () => ({ status: "enabled" }),
    expect: e(                                                                  200,  403,  403,  403,  403,  401,  401) },
  { route: "show the public image", api: "image", method: "GET", path: (f) => `/images/${f.publicImage}`,
    expect: e(                                                                  200,  200,  200,  200,  403,  401,  401) },
  { route: "show A's private image", api: "image", method: "GET", path: (f) => `/images/${f.privateImageA}`,
    expect: e(                                                                  200,  200,  200,  404,  403,  401,  401) },
  { route: "create an image", api: "image", method: "POST", path: () => "/images",
    body: () => ({ name: `i-${unique()}`, disk_format: "raw", container_format: "bare" }),
    expect: e(                                                                  201,  201,  403,  201,  403,  401,  401) },
  { route: "delete A's private image", api: "image", method: "DELETE",
    path: (f, who) => `/images/${who === "admin" ? f.privateImageA2 : f.privateImageA}`,
    expect: e(                                                                  204,  204,  403,  404,  403,  401,  401) },
  { route: "list projects", api: "identity", method: "GET", path: () => "/projects",
    expect: e(                                                                  200,  403,  403,  403,  403,  401,  401) },
  { route: "create a project", api: "identity", method: "POST", path: () => "/projects",
    body: () => ({ project: { name: `p-${unique()}` } }),
    expect: e(                                                                  201,  403,  403,  403,  403,  401,  401) },
  { route: "show project A", api: "identity", method: "GET", path: (f) => `/projects/${f.projectA}`,
    expect: e(                                                                  200,  200,  200,  403,  403,  401,  401) },
  { route: "show A's member (itself)", api: "identity", method: "GET", path: (f) => `/users/${f.memberAUserId}`,
    expect: e(                                                                  200,  200,  403,  403,  200,  401,  401) },
  { route: "list role assignments", api: "identity", method: "GET", path: () => "/role_assignments",
    expect: e(                                                                  200,  403,  403,  403,  403,  401,  401) },
  { route: "grant B's member a role on A", api: "identity", method: "PUT",
    path: (f) => `/projects/${f.projectA}/users/${f.memberBUserId}/roles/${f.readerRoleId}`,
    expect: e(                                                                  204,  403,  403,  403,  403,  401,  401) },
];

describe("the policy matrix", () => {
  const tokens = {} as Record<Caller, string | null>;
  let fx: Fixtures;

  beforeAll(async () => {
    stack = await startStack({ name: "policy-matrix" });
    const memberA = await createProjectUser(stack, { name: "member-a" });
    const readerA = await createProjectUser(stack, {
      name: "reader-a",
      role: "reader",
      project: memberA,
    });
    const memberB: ProjectUser = await createProjectUser(stack, { name: "member-b" });
    const unscoped = await fetch(`${stack.url}/identity/v3/auth/tokens`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        auth: {
          identity: {
            methods: ["password"],
            password: { user: { id: memberA.userId, password: memberA.password } },
          },
          scope: "unscoped",
        },
      }),
    });
    expect(unscoped.status).toBe(201);
    Object.assign(tokens, {
      admin: await stack.adminToken(),
      memberA: memberA.token,
      readerA: readerA.token,
      memberB: memberB.token,
      unscoped: unscoped.headers.get("x-subject-token"),
      none: null,
      bad: "gAAAAABnot-a-token-at-all",
    });

    const asA = memberA.compute();
    const [serverA, serverA2] = [await createServer(stack, asA), await createServer(stack, asA)];
    await Promise.all([serverA, serverA2].map((id) => stack.waitForServer(id, isActive)));
    const keyA = `key-a-${unique()}`;
    const key = await asA.post("/os-keypairs", { keypair: { name: keyA, public_key: sshKey() } });
    expect(key.status, JSON.stringify(key.body)).toBe(201);
    const imagesA = client(`${stack.url}/image/v2`, { "x-auth-token": memberA.token });
    const privateImage = async () => {
      const res = await imagesA.post("/images", {
        name: `private-${unique()}`,
        disk_format: "raw",
        container_format: "bare",
        visibility: "private",
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body.id as string;
    };
    const roles = await (await stack.identityAdmin()).get("/roles?name=reader");
    fx = {
      projectA: memberA.projectId,
      memberAUserId: memberA.userId,
      memberBUserId: memberB.userId,
      serverA,
      serverA2,
      keyA,
      privateImageA: await privateImage(),
      privateImageA2: await privateImage(),
      publicImage: stack.imageId,
      computeService: await computeServiceId(stack, "node1"),
      readerRoleId: roles.body.roles[0].id,
    };
  });

  afterAll(async () => {
    await stack?.stop();
  });

  const BASES = { compute: "/compute/v2.1", image: "/image/v2", identity: "/identity/v3" };

  async function send(row: Row, who: Caller): Promise<ApiResponse> {
    const token = tokens[who];
    const api = client(`${stack.url}${BASES[row.api]}`, {
      ...(token !== null && { "x-auth-token": token }),
      ...(row.api === "compute" && { "openstack-api-version": "compute 2.100" }),
      ...(row.api === "image" && { accept: "application/json" }),
    });
    return api.request(row.method, row.path(fx, who), row.body?.(fx, who));
  }

  test.each(ROWS.map((row) => [`${row.method} ${row.route}`, row] as const))(
    "%s",
    async (_name, row) => {
      onTestFailed(async () => console.log(await stack.logTail(20)));
      const got = {} as Expected;
      const bodies: Record<string, unknown> = {};
      for (const who of RUN_ORDER) {
        const res = await send(row, who);
        got[who] = res.status;
        if (res.status !== row.expect[who]) bodies[who] = res.body;
        if (res.status < 300) await row.settle?.(fx);
      }
      expect(got, JSON.stringify(bodies)).toEqual(row.expect);
    },
  );
});
