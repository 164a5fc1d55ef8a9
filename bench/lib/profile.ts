// Where a process spent its CPU during a benchmark's measured window: node's --cpu-prof output
// (V8 .cpuprofile) reduced to the time per package or source tree, self and inclusive, and the
// hottest functions. Start-up (loading, connecting) is outside the window and left out.
import { existsSync, readFileSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { SourceMap } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { REPO } from "../../e2e/stack/stack";

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

// The workers run as esbuild bundles (apps/workers/build.ts) with a source map beside each: a
// frame in a bundle is placed at its own source file and line, so the summary still says
// packages/rpc/src/transport rather than one bundle for everything.
const maps = new Map<string, SourceMap | null>();
function sourceMapOf(path: string): SourceMap | null {
  let map = maps.get(path);
  if (map === undefined) {
    const file = `${path}.map`;
    map = existsSync(file) ? new SourceMap(JSON.parse(readFileSync(file, "utf8"))) : null;
    maps.set(path, map);
  }
  return map;
}

/** The frame's file path and 0-based line, through the bundle's source map when it has one. */
function located(frame: CallFrame): { path: string; line: number } {
  const path = frame.url.replace(/^file:\/\//, "");
  const entry = sourceMapOf(path)?.findEntry(frame.lineNumber, frame.columnNumber);
  if (entry && "originalSource" in entry) {
    const source = entry.originalSource.replace(/^file:\/\//, "");
    return { path: resolve(dirname(path), source), line: entry.originalLine };
  }
  return { path, line: frame.lineNumber };
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** The measured window in µs of the monotonic clock V8's profiler also uses. */
export interface Window {
  fromUs: number;
  toUs: number;
}

export const nowUs = () => Number(process.hrtime.bigint() / 1000n);

export interface ProfileSummary {
  process: string;
  /** CPU sampled inside the window, ms */
  totalMs: number;
  /** time per package / tree with that code anywhere on the stack, ms (sums exceed the total) */
  inclusive: Record<string, number>;
  /** time per package / tree at the top of the stack, ms */
  self: Record<string, number>;
  /** the hottest functions by self time */
  functions: { name: string; ms: number }[];
}

/** "zod", "@prisma/client", "apps/workers/src/conductor", "node:internal", "(garbage collector)" */
function category(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (!url) return functionName.startsWith("(") ? functionName : "(native)";
  if (url.startsWith("node:")) return "node:internal";
  const { path } = located(frame);
  const nm = path.lastIndexOf("/node_modules/");
  if (nm >= 0) {
    const parts = path.slice(nm + "/node_modules/".length).split("/");
    return parts[0]!.startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0]!;
  }
  const rel = relative(REPO, path);
  if (rel.startsWith("..")) return "(other)";
  // packages/rpc/src/transport/amqp.ts → packages/rpc/src/transport
  return rel.split("/").slice(0, -1).slice(0, 4).join("/") || rel;
}

export function summarizeProfile(
  name: string,
  profile: CpuProfile,
  window: Window,
): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const stackCats = new Map<number, Set<string>>();
  const catsOf = (id: number): Set<string> => {
    let cats = stackCats.get(id);
    if (!cats) {
      const up = parent.get(id);
      cats = new Set(up === undefined ? [] : catsOf(up));
      cats.add(category(byId.get(id)!.callFrame));
      stackCats.set(id, cats);
    }
    return cats;
  };

  const inclusive: Record<string, number> = {};
  const self: Record<string, number> = {};
  const fnSelf = new Map<string, number>();
  let totalUs = 0;
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    const delta = profile.timeDeltas[i] ?? 0;
    t += delta;
    if (t < window.fromUs || t > window.toUs) continue;
    const id = profile.samples[i]!;
    const frame = byId.get(id)!.callFrame;
    if (frame.functionName === "(idle)") continue;
    totalUs += delta;
    const cat = category(frame);
    self[cat] = (self[cat] ?? 0) + delta;
    for (const c of catsOf(id)) inclusive[c] = (inclusive[c] ?? 0) + delta;
    const where = frame.url && !frame.url.startsWith("node:") ? located(frame) : null;
    const at = where ? `:${where.line + 1}` : frame.url ? `:${frame.lineNumber + 1}` : "";
    const fn = `${frame.functionName || "(anonymous)"} ${cat}${at}`;
    fnSelf.set(fn, (fnSelf.get(fn) ?? 0) + delta);
  }
  const toMs = (r: Record<string, number>) =>
    Object.fromEntries(
      Object.entries(r)
        .sort((a, b) => b[1] - a[1])
        .map(([k, v]) => [k, Math.round(v / 100) / 10]),
    );
  return {
    process: name,
    totalMs: Math.round(totalUs / 1000),
    inclusive: toMs(inclusive),
    self: toMs(self),
    functions: [...fnSelf.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 25)
      .map(([fn, us]) => ({ name: fn, ms: Math.round(us / 100) / 10 })),
  };
}

/**
 * The profile of each process under `dir` (<dir>/<process>/*.cpuprofile, written when they exit):
 * of the one file per thread, the main thread's, i.e. the busiest in the window.
 */
export async function summarizeProfiles(dir: string, window: Window): Promise<ProfileSummary[]> {
  const out: ProfileSummary[] = [];
  for (const proc of (await readdir(dir)).sort()) {
    let busiest: ProfileSummary | undefined;
    for (const file of (await readdir(join(dir, proc))).filter((f) => f.endsWith(".cpuprofile"))) {
      const profile = JSON.parse(await readFile(join(dir, proc, file), "utf8")) as CpuProfile;
      const s = summarizeProfile(proc, profile, window);
      if (!busiest || s.totalMs > busiest.totalMs) busiest = s;
    }
    if (busiest) out.push(busiest);
  }
  return out;
}

export function printProfile(s: ProfileSummary, top = 12): void {
  const pct = (ms: number) => `${((100 * ms) / Math.max(1, s.totalMs)).toFixed(0)}%`;
  console.log(`\n  profile of ${s.process}: ${s.totalMs} ms of CPU in the window`);
  const inc = Object.entries(s.inclusive).slice(0, top);
  console.log(`    inclusive: ${inc.map(([k, v]) => `${k} ${pct(v)}`).join(", ")}`);
  const self = Object.entries(s.self).slice(0, top);
  console.log(`    self:      ${self.map(([k, v]) => `${k} ${pct(v)}`).join(", ")}`);
  for (const f of s.functions.slice(0, top)) console.log(`    ${pct(f.ms).padStart(4)}  ${f.name}`);
}
