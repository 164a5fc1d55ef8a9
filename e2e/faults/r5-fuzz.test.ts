// R5: a property-based fuzzer (fast-check) against every REST route of one stack: malformed JSON,
// wrong types in each field of a valid body, bodies beyond the limit, bad ids, bad tokens, bad
// Content-Types and microversions, bad query strings. No answer may be a 5xx (but the 501s listed
// below), every error must be in its API's own shape, and every process must still be alive.
// The routes come from the web's own registry, so a new route is fuzzed without anyone listing it.
import fc from "fast-check";
import { afterAll, expect } from "vitest";
import { createRestApp } from "../../apps/web/src/rest/app";
import { restRoutes } from "../../apps/web/src/rest/routes";
import { privateBroker, type PrivateBroker } from "../stack/broker";
import { computeServiceId, createServer, createServerGroup } from "../stack/servers";
import { startStack, type Stack } from "../stack/stack";
import { faultTest } from "./report";

/** Requests per route; with the registry's ~115 routes and the stray-path property, > 10,000. */
const RUNS_PER_ROUTE = 95;
const STRAY_RUNS = 500;
const MIN_TOTAL = 10_000;
/** Routes fuzzed at once (each property runs its requests one after another). */
const CONCURRENCY = 4;
/** The web's NIMBUS_API_MAX_BODY_BYTES default; a huge body goes just past it. */
const MAX_BODY = 1024 * 1024;
const HANG_MS = 30_000;

/** Deliberately unimplemented: Nova actions this cloud refuses with 501, and hypervisor uptime. */
const NOT_IMPLEMENTED_ACTIONS = ["rebuild", "createImage", "shelve", "evacuate", "rescue"];
const ALLOWED_501 = new Set([
  "POST /compute/v2.1/servers/:id/action",
  "GET /compute/v2.1/os-hypervisors/:id/uptime",
]);

let broker: PrivateBroker | undefined;
let stack: Stack | undefined;
afterAll(async () => {
  await stack?.stop();
  await broker?.stop();
});

type Api = "compute" | "identity" | "image";
interface Route {
  method: string;
  path: string;
  api: Api;
}

/** Every method + path the web serves, read from the registry the web itself is built from. */
function registryRoutes(): Route[] {
  const stub = {} as never;
  const app = createRestApp(
    {
      log: stub,
      auth: stub,
      bus: stub,
      imagesDir: "/nonexistent",
      maxImageBytes: 1,
      maxBodyBytes: 1,
    },
    restRoutes,
  );
  const seen = new Map<string, Route>();
  for (const { method, path } of app.routes) {
    if (method === "ALL") continue; // middleware
    const api = path.split("/")[1] as Api;
    seen.set(`${method} ${path}`, { method, path, api });
  }
  return [...seen.values()];
}

/**
 * A valid body per route that takes one; the fuzzer breaks them field by field. A route with a
 * body and no template fails the test, so a new route cannot be forgotten here either.
 */
const TEMPLATES: Record<string, unknown[]> = {
  "POST /compute/v2.1/servers": [
    { server: { name: "f", imageRef: "IMAGE", flavorRef: "1", networks: "none" } },
  ],
  "PUT /compute/v2.1/servers/:id": [{ server: { name: "renamed", description: "d" } }],
  "POST /compute/v2.1/servers/:id/action": [
    { "os-stop": null },
    { "os-start": null },
    { pause: null },
    { reboot: { type: "HARD" } },
    { resize: { flavorRef: "2" } },
    { "os-resetState": { state: "active" } },
    { lock: { locked_reason: "fuzz" } },
    { "os-getConsoleOutput": { length: 10 } },
    { "os-getVNCConsole": { type: "novnc" } },
    ...NOT_IMPLEMENTED_ACTIONS.map((a) => ({ [a]: null })),
  ],
  "PUT /compute/v2.1/os-services/:id": [{ status: "disabled", disabled_reason: "fuzz" }],
  "POST /compute/v2.1/servers/:id/remote-consoles": [
    { remote_console: { protocol: "vnc", type: "novnc" } },
  ],
  "POST /compute/v2.1/flavors": [{ flavor: { name: "f", ram: 64, vcpus: 1, disk: 1 } }],
  "PUT /compute/v2.1/flavors/:id": [{ flavor: { description: "d" } }],
  "POST /compute/v2.1/flavors/:id/os-extra_specs": [{ extra_specs: { "hw:cpu_policy": "shared" } }],
  "PUT /compute/v2.1/flavors/:id/os-extra_specs/:key": [{ "r5:key": "v" }],
  "POST /compute/v2.1/flavors/:id/action": [
    { addTenantAccess: { tenant: "p" } },
    { removeTenantAccess: { tenant: "p" } },
  ],
  "PUT /compute/v2.1/os-quota-sets/:id": [{ quota_set: { instances: 10, cores: 20 } }],
  "PUT /compute/v2.1/os-quota-class-sets/:id": [{ quota_class_set: { instances: 10 } }],
  "POST /compute/v2.1/os-keypairs": [{ keypair: { name: "k", type: "ssh" } }],
  "POST /compute/v2.1/os-server-groups": [{ server_group: { name: "g", policy: "affinity" } }],
  "POST /identity/v3/auth/tokens": [
    {
      auth: {
        identity: {
          methods: ["password"],
          password: { user: { name: "u", domain: { id: "default" }, password: "p" } },
        },
        scope: { project: { name: "p", domain: { id: "default" } } },
      },
    },
    { auth: { identity: { methods: ["token"], token: { id: "t" } } } },
  ],
  "POST /identity/v3/projects": [{ project: { name: "p", domain_id: "default" } }],
  "PATCH /identity/v3/projects/:id": [{ project: { description: "d", enabled: true } }],
  "POST /identity/v3/users": [{ user: { name: "u", password: "secret-pw", domain_id: "default" } }],
  "PATCH /identity/v3/users/:id": [{ user: { email: "e@example.org", enabled: true } }],
  "POST /identity/v3/roles": [{ role: { name: "r" } }],
  "PUT /identity/v3/projects/:project/users/:user/roles/:role": [null],
  "POST /image/v2/images": [{ name: "i", disk_format: "raw", container_format: "bare" }],
  "PATCH /image/v2/images/:id": [[{ op: "replace", path: "/name", value: "n" }]],
  "PUT /image/v2/images/:id/tags/:tag": [null],
  "PUT /image/v2/images/:id/file": ["raw image bytes"],
};
const JSON_TYPE: Record<string, string> = {
  "PATCH /image/v2/images/:id": "application/openstack-images-v2.1-json-patch",
  "PUT /image/v2/images/:id/file": "application/octet-stream",
};

// --- generators ---

const odd = fc.constantFrom(
  "",
  " ",
  "null",
  "0",
  "-1",
  "1e309",
  "NaN",
  "true",
  "' OR 1=1 --",
  "1; DROP TABLE instances",
  '"; SELECT * FROM users; --',
  "%00",
  "..",
  "../../etc/passwd",
  "<script>alert(1)</script>",
  "\u0000",
  "ü🚀\u202e",
  "${jndi:ldap://x}",
);
const text = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  odd,
);
/** A wrong value for any field: other types, extremes, deep or long things. */
const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  text,
  fc.constantFrom(
    null,
    true,
    -1,
    0,
    2 ** 53,
    -(2 ** 63),
    1.5,
    1e308,
    [],
    {},
    [[[[[[[[[[]]]]]]]]]],
    "x".repeat(70_000),
  ),
  fc.integer(),
  fc.double({ noNaN: true }),
);

/** Every position in a JSON value, as key paths (the root is []). */
function positions(value: unknown, at: Array<string | number> = []): Array<Array<string | number>> {
  const out = [at];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...positions(v, [...at, i])));
  else if (value && typeof value === "object")
    for (const [k, v] of Object.entries(value)) out.push(...positions(v, [...at, k]));
  return out;
}

const isObject = (v: unknown) => !!v && typeof v === "object" && !Array.isArray(v);
const getAt = (value: unknown, path: Array<string | number>): unknown =>
  path.reduce<unknown>((node, key) => (node as Record<string | number, unknown>)[key], value);

function setAt(
  value: unknown,
  path: Array<string | number>,
  next: unknown,
  drop: boolean,
): unknown {
  if (path.length === 0) return next;
  const copy = structuredClone(value) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path.at(-1)!;
  if (drop) {
    if (Array.isArray(node)) node.splice(last as number, 1);
    else delete node[last];
  } else node[last] = next;
  return copy;
}

type Body = { kind: "none" } | { kind: "text"; text: string } | { kind: "huge"; bytes: number };

/** A body for a route: its template broken one way or another, or something else entirely. */
function bodyArb(templates: unknown[]): fc.Arbitrary<Body> {
  const json = (v: unknown): Body => ({ kind: "text", text: JSON.stringify(v) ?? "null" });
  const mutated = fc
    .record({
      template: fc.constantFrom(...templates),
      at: fc.nat(),
      how: fc.constantFrom("replace", "drop", "add"),
      value: wrongValue,
      key: text,
    })
    .map(({ template, at, how, value, key }) => {
      const all = positions(template);
      const path = all[at % all.length]!;
      // An unknown field goes into the object around the chosen position (if there is one).
      const around = path.slice(0, -1);
      if (how === "add" && isObject(getAt(template, around)))
        return json(setAt(template, [...around, key], value, false));
      return json(setAt(template, path, value, how === "drop"));
    });
  const broken = fc
    .record({ template: fc.constantFrom(...templates), cut: fc.nat(), junk: text })
    .map(({ template, cut, junk }) => {
      const s = JSON.stringify(template) ?? "";
      const at = s.length ? cut % s.length : 0;
      return { kind: "text", text: s.slice(0, at) + junk } as Body;
    });
  return fc.oneof(
    { arbitrary: mutated, weight: 10 },
    { arbitrary: broken, weight: 3 },
    { arbitrary: fc.jsonValue({ maxDepth: 4 }).map(json), weight: 2 },
    {
      arbitrary: fc.string({ maxLength: 200 }).map((t) => ({ kind: "text", text: t }) as Body),
      weight: 1,
    },
    { arbitrary: fc.constant({ kind: "none" } as Body), weight: 1 },
    { arbitrary: fc.constant({ kind: "huge", bytes: MAX_BODY + 1 } as Body), weight: 1 },
  );
}

/** An id for a path parameter: the real one (so validation past the lookup is reached), or junk. */
const idArb = (real: string | undefined) =>
  fc.oneof(
    ...(real ? [{ arbitrary: fc.constant(real), weight: 4 }] : []),
    { arbitrary: fc.uuid(), weight: 2 },
    { arbitrary: text.filter((s) => s.length > 0), weight: 3 },
    { arbitrary: fc.integer().map(String), weight: 1 },
    { arbitrary: fc.string({ minLength: 300, maxLength: 1000 }), weight: 1 },
  );

const QUERY_KEYS = [
  "limit",
  "marker",
  "all_tenants",
  "changes-since",
  "changes-before",
  "sort_key",
  "sort_dir",
  "status",
  "name",
  "flavor",
  "image",
  "host",
  "deleted",
  "detailed",
  "start",
  "end",
  "user_id",
  "project_id",
  "binary",
  "minDisk",
  "is_public",
  "domain_id",
  "enabled",
  "visibility",
  "member_status",
  "tag",
];
const queryArb = fc.array(
  fc.tuple(
    fc.oneof(fc.constantFrom(...QUERY_KEYS), text),
    fc.oneof(text, fc.integer().map(String)),
  ),
  { maxLength: 4 },
);

type Token = "admin" | "member" | "none" | "garbage";
interface Req {
  method: string;
  ids: string[];
  query: Array<[string, string]>;
  body: Body;
  token: Token;
  garbageToken: string;
  contentType: string | null;
  microversion: string | null;
  accept: string | null;
  requestId: string | null;
}

const headerText = fc.string({ maxLength: 60 }); // printable ASCII: what a header can carry
const requestArb = (
  route: Route,
  real: (param: string) => string | undefined,
): fc.Arbitrary<Req> => {
  const params = route.path.split("/").filter((p) => p.startsWith(":"));
  const key = `${route.method} ${route.path}`;
  const templates = TEMPLATES[key];
  const canHaveBody = !["GET", "HEAD", "DELETE"].includes(route.method);
  return fc.record({
    method: fc.oneof(
      { arbitrary: fc.constant(route.method), weight: 9 },
      { arbitrary: fc.constantFrom("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"), weight: 1 },
    ),
    ids: fc.tuple(...params.map((p) => idArb(real(p)))),
    query: queryArb,
    body: canHaveBody && templates ? bodyArb(templates) : fc.constant({ kind: "none" } as Body),
    token: fc.constantFrom<Token>(
      "admin",
      "admin",
      "admin",
      "admin",
      "admin",
      "member",
      "none",
      "garbage",
    ),
    garbageToken: headerText,
    contentType: fc.oneof(
      { arbitrary: fc.constant(JSON_TYPE[key] ?? "application/json"), weight: 8 },
      {
        arbitrary: fc.constantFrom(null, "text/plain", "application/xml", "multipart/form-data"),
        weight: 1,
      },
      { arbitrary: headerText, weight: 1 },
    ),
    microversion: fc.oneof(
      { arbitrary: fc.constant(null), weight: 6 },
      {
        arbitrary: fc.constantFrom(
          "compute 2.1",
          "compute latest",
          "compute 2.1000",
          "compute 3.0",
          "compute 2.0",
          "compute 1.99",
          "compute",
          "volume 2.1",
          "compute 2.a",
          "compute 2.100, compute 2.1",
        ),
        weight: 3,
      },
      { arbitrary: headerText, weight: 1 },
    ),
    accept: fc.oneof(
      { arbitrary: fc.constant(null), weight: 6 },
      {
        arbitrary: fc.constantFrom("*/*", "text/html", "application/json", "text/plain;q=0.5"),
        weight: 2,
      },
      { arbitrary: headerText, weight: 1 },
    ),
    requestId: fc.oneof(
      { arbitrary: fc.constant(null), weight: 9 },
      { arbitrary: headerText, weight: 1 },
    ),
  });
};

/** What is wrong with an error response's body for its API, or null. */
function shapeProblem(api: Api, status: number, contentType: string, raw: string): string | null {
  const statusLine = `${status} `;
  if (api === "image" && contentType.startsWith("text/html"))
    return raw.includes(`<h1>${statusLine}`) ? null : "HTML error without its status";
  if (api === "image" && contentType.startsWith("text/plain"))
    return raw.startsWith(statusLine) ? null : "text error without its status";
  if (!contentType.startsWith("application/json")) return `error as ${contentType || "no type"}`;
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return "error body is not JSON";
  }
  const str = (v: unknown) => typeof v === "string" && v.length > 0;
  const o = body as Record<string, Record<string, unknown>>;
  // Keystone's shape: its own API's, and any API's 401 (keystonemiddleware answers those).
  const keystone = () =>
    Object.keys(o).length === 1 &&
    o.error?.code === status &&
    str(o.error.title) &&
    str(o.error.message);
  if (api === "identity" || status === 401) return keystone() ? null : "not Keystone's shape";
  if (api === "image")
    return str(o.title) && str(o.message) && String(o.code).startsWith(statusLine)
      ? null
      : "not Glance's shape";
  const entries = Object.entries(o);
  return entries.length === 1 && entries[0]![1]?.code === status && str(entries[0]![1]?.message)
    ? null
    : "not Nova's shape";
}

faultTest("R5", "a property-based fuzzer over every REST route", 420_000, async (report) => {
  // A broker of its own: a restart of the machine's shared one (by anyone) is no 503 of ours.
  broker = await privateBroker();
  const s = await startStack({
    name: "r5-fuzz",
    amqpUrl: broker.url,
    computes: [{ host: "node1", env: { NIMBUS_RAM_ALLOCATION_RATIO: "16" } }],
  });
  stack = s;
  report.onFailure(async () => console.log(await s.logTail(40)));

  // Real things for ids to point at: a victim project and user (never the admin's), a server, …
  const admin = await s.compute();
  const identity = await s.identityAdmin();
  const victim = await s.ids({ user: "r5-victim", project: "r5-victim" });
  const serverId = await createServer(s, admin, { name: "r5-target" });
  const flavor = await admin.post("/flavors", {
    flavor: { name: "r5-flavor", id: "r5-flavor", ram: 64, vcpus: 1, disk: 1 },
  });
  expect(flavor.status).toBe(200);
  const role = await identity.post("/roles", { role: { name: "r5-role" } });
  expect(role.status).toBe(201);
  const token = await s.token();
  const image = await fetch(`${s.url}/image/v2/images`, {
    method: "POST",
    headers: { "x-auth-token": token, "content-type": "application/json" },
    body: JSON.stringify({ name: "r5-image", disk_format: "raw", container_format: "bare" }),
  });
  expect(image.status).toBe(201);
  const imageId = ((await image.json()) as { id: string }).id;
  // Generated by the cloud: before 2.92, where a public key became required.
  const v291 = await s.compute(undefined, "2.91");
  const keypair = await v291.post("/os-keypairs", { keypair: { name: "r5-key" } });
  expect(keypair.status).toBe(201);
  const actions = await admin.get(`/servers/${serverId}/os-instance-actions`);
  const hypervisors = await admin.get("/os-hypervisors");
  const real: Record<string, string> = {
    "servers:id": serverId,
    "servers:requestId": actions.body.instanceActions[0].request_id,
    "os-services:id": await computeServiceId(s, "node1"),
    "os-hypervisors:id": String(hypervisors.body.hypervisors[0].id),
    "os-hypervisors:pattern": "node",
    "flavors:id": "r5-flavor",
    "flavors:key": "r5:key",
    "os-quota-sets:id": victim.projectId,
    "os-quota-class-sets:id": "default",
    "os-keypairs:name": "r5-key",
    "os-server-groups:id": await createServerGroup(admin, "anti-affinity"),
    "os-simple-tenant-usage:id": victim.projectId,
    "domains:id": "default",
    "projects:id": victim.projectId,
    "projects:project": victim.projectId,
    "projects:user": victim.userId,
    "projects:role": role.body.role.id,
    "users:id": victim.userId,
    "roles:id": role.body.role.id,
    "images:id": imageId,
    "images:tag": "r5tag",
  };
  report.step(
    "started a one-host stack; made the things real ids point at (a server, a flavor, a key pair, a server group, an image, a role, a victim project and user)",
  );

  const routes = registryRoutes();
  const missing = routes
    .filter((r) => ["POST", "PUT", "PATCH"].includes(r.method))
    .map((r) => `${r.method} ${r.path}`)
    .filter((k) => !(k in TEMPLATES));
  expect(missing, "routes with a body and no template in TEMPLATES").toEqual([]);

  const tokens = {
    admin: token,
    member: await s.token({ user: "r5-member", project: "r5-member" }),
  };
  const byStatus = new Map<number, number>();
  let sent = 0;

  /** Send one request; the reason it breaks the rules, or null. */
  const attempt = async (route: Route, req: Req): Promise<string | null> => {
    let i = 0;
    const path = route.path.replace(/:[A-Za-z]+/g, () => encodeURIComponent(req.ids[i++]!));
    const qs = new URLSearchParams(req.query).toString();
    const headers = new Headers();
    if (req.token === "admin" || req.token === "member")
      headers.set("x-auth-token", tokens[req.token]);
    if (req.token === "garbage") headers.set("x-auth-token", req.garbageToken);
    if (req.microversion !== null) {
      headers.set("openstack-api-version", req.microversion);
      headers.set("x-openstack-nova-api-version", req.microversion.replace(/^compute /, ""));
    }
    if (req.accept !== null) headers.set("accept", req.accept);
    if (req.requestId !== null) headers.set("x-openstack-request-id", req.requestId);
    const withBody = !["GET", "HEAD"].includes(req.method) && req.body.kind !== "none";
    if (withBody && req.contentType !== null) headers.set("content-type", req.contentType);
    const body = !withBody
      ? undefined
      : req.body.kind === "huge"
        ? `{"x":"${"a".repeat(req.body.bytes)}"}`
        : req.body.kind === "text"
          ? req.body.text.replaceAll("IMAGE", s.imageId)
          : undefined;
    sent++;
    let res: Response;
    try {
      res = await fetch(`${s.url}${path}${qs ? `?${qs}` : ""}`, {
        method: req.method,
        headers,
        body,
        redirect: "manual",
        signal: AbortSignal.timeout(HANG_MS),
      });
    } catch (err) {
      return `no answer: ${String(err)} (${String((err as Error).cause)})`;
    }
    const raw = await res.text();
    byStatus.set(res.status, (byStatus.get(res.status) ?? 0) + 1);
    const what = `${res.status} ${raw.slice(0, 300)}`;
    if (
      res.status >= 500 &&
      !(res.status === 501 && ALLOWED_501.has(`${req.method} ${route.path}`))
    )
      return `server error: ${what}`;
    if (res.status < 400 || req.method === "HEAD") return null;
    const problem = shapeProblem(route.api, res.status, res.headers.get("content-type") ?? "", raw);
    return problem && `${problem}: ${what}`;
  };

  const failures: string[] = [];
  const seed = Date.now() % 2 ** 31;
  const fuzzRoute = async (route: Route, runs: number, arb: fc.Arbitrary<Req>) => {
    let last = "";
    const details = await fc.check(
      fc.asyncProperty(arb, async (req) => {
        const problem = await attempt(route, req);
        if (problem) last = problem;
        return problem === null;
      }),
      // The first failing request as it was sent: shrinking would resend thousands more.
      { numRuns: runs, seed, endOnFailure: true },
    );
    if (details.failed) {
      failures.push(
        `${route.method} ${route.path}: ${last}\n  counterexample ${JSON.stringify(details.counterexample?.[0]).slice(0, 2000)}`,
      );
    }
  };

  const jobs = routes.map(
    (route) => () =>
      fuzzRoute(
        route,
        RUNS_PER_ROUTE,
        requestArb(route, (p) => real[`${route.path.split("/")[3] ?? ""}:${p.slice(1)}`]),
      ),
  );
  // Paths no route serves, under each API (404/405 in that API's shape).
  for (const api of ["compute", "identity", "image"] as const) {
    const base = { compute: "/compute/v2.1", identity: "/identity/v3", image: "/image/v2" }[api];
    const stray: Route = { method: "GET", path: `${base}/:a/:b`, api };
    jobs.push(() =>
      fuzzRoute(
        stray,
        Math.ceil(STRAY_RUNS / 3),
        requestArb(stray, () => undefined),
      ),
    );
  }
  const started = Date.now();
  const queue = [...jobs];
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let job = queue.shift(); job; job = queue.shift()) await job();
    }),
  );
  report.time("fuzzing", Date.now() - started);
  report.step(
    `fuzzed ${routes.length} routes from the web's registry (${RUNS_PER_ROUTE} requests each, seed ${seed}) and stray paths under each API: broken and mistyped bodies, > ${MAX_BODY} byte bodies, junk ids, tokens, Content-Types, microversions, Accepts and query strings`,
  );
  report.count("routes", routes.length);
  report.count("requests sent", sent);
  for (const [status, n] of [...byStatus].sort((a, b) => a[0] - b[0]))
    report.count(`HTTP ${status}`, n);
  report.count("rule breaks", failures.length);
  if (failures.length) console.log(failures.join("\n"));
  expect(failures, "routes where a request broke the rules").toEqual([]);
  expect(sent).toBeGreaterThanOrEqual(MIN_TOTAL);
  report.check(
    `no 5xx but 501 from the two deliberately unimplemented routes (${byStatus.get(501) ?? 0} this run), every error in its API's shape (Nova's, Keystone's, Glance's), none hung`,
  );

  const health = await fetch(`${s.url}/healthz`);
  expect(health.status).toBe(200);
  expect(
    s
      .processes()
      .filter((p) => !p.running)
      .map((p) => p.name),
  ).toEqual([]);
  const after = await admin.get(`/servers/${serverId}`);
  expect([200, 404]).toContain(after.status);
  report.check(`/healthz answers 200 and all ${s.processes().length} processes are still running`);
});
