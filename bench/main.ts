// The benchmarks (docs/performance.md, "Benchmarks"): `npm run bench` runs them all, `npm run bench
// -- P3 P4` some. Each prints the machine, runs (on a stack of its own unless --url names a running
// cloud), prints a table of target vs measured and writes bench/results/<id>-<timestamp>.json.
// Not tests: a missed target is reported, not failed; the exit status is non-zero only when a
// benchmark could not run.
//
//   --url http://host:port --user U --password P --project X   measure a running cloud (P1–P3, P5)
//   --amqp-url amqp://…   see its notifications (else ACTIVE is polled through the API)
//   --image ID            the image to boot (else the first active one)
//   --profile             the stack's processes run with --cpu-prof; prints where each spent its
//                         CPU during the measured window (profiles kept in bench/results/profiles)
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { Benchmark } from "./lib/benchmark";
import type { RunningCloud } from "./lib/cloud";
import { describeMachine, printMachine } from "./lib/machine";
import { printProfile, summarizeProfiles } from "./lib/profile";
import { printResult, RESULTS_DIR, writeResult, type Result } from "./lib/report";
import { p1 } from "./benchmarks/p1-boot-latency";
import { p2 } from "./benchmarks/p2-boot-rate";
import { p3 } from "./benchmarks/p3-list-servers";
import { p4 } from "./benchmarks/p4-scheduling";
import { p5 } from "./benchmarks/p5-live-events";
import { p6 } from "./benchmarks/p6-real-guest";
import { p7 } from "./benchmarks/p7-memory";

const ALL: Benchmark[] = [p1, p2, p3, p4, p5, p6, p7];

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    url: { type: "string" },
    user: { type: "string", default: "admin" },
    password: { type: "string" },
    project: { type: "string", default: "admin" },
    "amqp-url": { type: "string" },
    image: { type: "string" },
    profile: { type: "boolean", default: false },
  },
});

const wanted = positionals.map((p) => p.toUpperCase());
const unknown = wanted.filter((id) => !ALL.some((b) => b.id === id));
if (unknown.length > 0) {
  console.error(
    `unknown benchmark ${unknown.join(", ")}; known: ${ALL.map((b) => b.id).join(", ")}`,
  );
  process.exit(2);
}
const selected = wanted.length ? ALL.filter((b) => wanted.includes(b.id)) : ALL;

let running: RunningCloud | undefined;
if (values.url) {
  if (!values.password) {
    console.error("--url needs --password (and --user / --project unless admin / admin)");
    process.exit(2);
  }
  running = {
    url: values.url.replace(/\/$/, ""),
    user: values.user!,
    password: values.password,
    project: values.project!,
    amqpUrl: values["amqp-url"],
    image: values.image,
  };
}

const results: Result[] = [];
let failed = 0;
for (const b of selected) {
  const machine = await describeMachine();
  console.log(`\n=== ${b.id}: ${b.title}`);
  printMachine(machine);
  if (running && !b.runsAgainstUrl)
    console.log("(starts a stack of its own: --url does not apply)");
  const startedAt = new Date().toISOString();
  const profileDir =
    values.profile && !(running && b.runsAgainstUrl)
      ? join(RESULTS_DIR, "profiles", `${b.id}-${startedAt.replace(/[:.]/g, "-")}`)
      : undefined;
  if (profileDir) await mkdir(profileDir, { recursive: true });
  try {
    const { window, ...outcome } = await b.run({
      running: b.runsAgainstUrl ? running : undefined,
      profileDir,
    });
    const result: Result = {
      id: b.id,
      title: b.title,
      machine,
      startedAt,
      finishedAt: new Date().toISOString(),
      ...outcome,
    };
    printResult(result);
    if (profileDir && window) {
      const profiles = await summarizeProfiles(profileDir, window);
      for (const p of profiles) printProfile(p);
      result.data.profiles = profiles;
      console.log(`  profiles in ${profileDir}`);
    }
    console.log(`  → ${await writeResult(result)}`);
    results.push(result);
  } catch (err) {
    failed++;
    console.error(`${b.id} could not run: ${(err as Error).stack ?? String(err)}`);
  }
}

if (selected.length > 1) {
  console.log("\n=== summary");
  for (const r of results) {
    const misses = r.rows.filter((row) => row.pass === false).length;
    const targets = r.rows.filter((row) => row.pass !== null).length;
    console.log(
      `  ${r.id}  ${misses === 0 ? "pass" : "MISS"}  (${targets - misses}/${targets} targets met)  ${r.title}`,
    );
  }
}
process.exit(failed > 0 ? 1 : 0);
