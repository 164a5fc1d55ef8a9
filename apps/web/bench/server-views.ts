// Rendering cost of GET /servers/detail, view building alone (no bus, no HTTP): a page of 1,000
// servers at a few microversions, for an admin (every attribute) and a member.
//   npx tsx bench/server-views.ts [iterations=200]
import { anInstance } from "../test/fixtures";
import { serverView, serverViewContext } from "../src/rest/compute/server-view";
import { Microversion, type VersionString } from "../src/rest/microversion";

const iterations = Number(process.argv[2] ?? 200);
const hosts = Array.from({ length: 50 }, (_, i) => `compute-${i}`);
const servers = Array.from({ length: 1000 }, (_, i) =>
  anInstance({
    name: `server-${i}`,
    host: hosts[i % hosts.length] ?? null,
    projectId: `p${i % 7}`,
    fault:
      i % 10 === 0
        ? {
            code: 500,
            message: "No valid host was found.",
            details: "{}",
            createdAt: new Date().toISOString(),
          }
        : null,
    vmState: i % 10 === 0 ? "error" : "active",
  }),
);
const statuses = new Map(hosts.map((h) => [h, "UP" as const]));
const admin = { roles: ["admin", "member", "reader"], projectId: "admin", isAdmin: true };
const member = { roles: ["member", "reader"], projectId: "p1", isAdmin: false };

function measure(version: VersionString, who: typeof admin) {
  const v = Microversion.of(version);
  const render = () => {
    const vc = serverViewContext("http://cloud.example", v, who, statuses);
    return { servers: servers.map((s) => serverView(s, vc, "detail")) };
  };
  for (let i = 0; i < 20; i++) JSON.stringify(render()); // warm up
  const build: number[] = [];
  const total: number[] = [];
  let bytes = 0;
  for (let i = 0; i < iterations; i++) {
    const t0 = performance.now();
    const body = render();
    const t1 = performance.now();
    bytes = JSON.stringify(body).length;
    total.push(performance.now() - t0);
    build.push(t1 - t0);
  }
  const p = (xs: number[], q: number) => xs.sort((a, b) => a - b)[Math.floor(q * (xs.length - 1))]!;
  return {
    version,
    caller: who.isAdmin ? "admin" : "member",
    buildP50Ms: +p(build, 0.5).toFixed(2),
    buildP99Ms: +p(build, 0.99).toFixed(2),
    withJsonP50Ms: +p(total, 0.5).toFixed(2),
    kiB: Math.round(bytes / 1024),
  };
}

for (const [version, who] of [
  ["2.1", admin],
  ["2.47", member],
  ["2.100", member],
  ["2.100", admin],
] as const) {
  console.log(JSON.stringify({ servers: servers.length, iterations, ...measure(version, who) }));
}
