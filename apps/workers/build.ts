// Bundles the four workers into plain ESM so they run under `node` alone: under tsx each worker
// carried a second V8 isolate (tsx's loader thread) and its transform caches, ~50 MiB resident
// (docs/performance.md, P7). Workspace packages (TypeScript sources) are bundled in; every other
// package stays external and is loaded from node_modules at run time, which is why the output has
// to live under apps/workers/.
// Script: `npm run build -w @nimbus/workers` also points dist/current at the new build, which is
// what ./scripts/up starts. e2e/stack imports buildWorkers() and runs what it returns.
import { createHash, randomBytes } from "node:crypto";
import {
  chmod,
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  readlink,
  rename,
  rm,
  stat,
  symlink,
  utimes,
  writeFile,
} from "node:fs/promises";
import { basename, dirname, join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import * as esbuild from "esbuild";

export const WORKERS = ["conductor", "scheduler", "compute", "consoleauth"] as const;
export type WorkerName = (typeof WORKERS)[number];

const PACKAGE_DIR = import.meta.dirname;
const REPO = resolve(PACKAGE_DIR, "../..");
export const DIST = join(PACKAGE_DIR, "dist");
/** The build ./scripts/up runs: dist/current, a symlink to one of the hash directories. */
const CURRENT = "current";

/** Older builds are removed after this long unused, so a test still starting processes from one keeps it. */
const KEEP_MS = 60 * 60 * 1000;
const BUILD_DIR = /^[0-9a-f]{16}$/;
const TEMP_PREFIX = ".tmp-";

export interface BuildOptions {
  /** Where the hash directories go (a test's temp dir); apps/workers/dist by default. */
  dist?: string;
}

export interface WorkersBuild {
  /** <dist>/<hash of the output>/ */
  dir: string;
  /** Each worker's bundle, an absolute path inside `dir` (its source map is `<bundle>.map`). */
  entries: Record<WorkerName, string>;
  /** False when an identical build was already there. */
  fresh: boolean;
  /** Older build directories removed (names in dist). */
  pruned: string[];
}

/** Bare specifiers are external unless they name a workspace package, whose TypeScript is bundled. */
const externals: esbuild.Plugin = {
  name: "externals-but-workspace",
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith("@nimbus/") ? undefined : { path: args.path, external: true },
    );
  },
};

export async function buildWorkers({ dist = DIST }: BuildOptions = {}): Promise<WorkersBuild> {
  const entryPoints = Object.fromEntries(
    WORKERS.map((name) => [name, join(PACKAGE_DIR, "src", name, "main.ts")]),
  );
  const result = await esbuild.build({
    absWorkingDir: REPO,
    entryPoints,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    keepNames: true, // stack traces and logged errors keep their function and class names
    // <worker>.js.map beside each bundle, read only on demand (node --enable-source-maps, a
    // profile's frames mapped back to packages/…/src); the sources themselves are in the repo.
    sourcemap: "linked",
    sourcesContent: false,
    outdir: join(dist, "out"), // only names the files: nothing is written here
    write: false,
    metafile: true,
    logLevel: "silent",
    plugins: [externals],
  });
  await refuseSelfRunningModules(result.metafile, Object.values(entryPoints));

  const files = result.outputFiles
    .map((f) => ({ name: basename(f.path), contents: f.contents }))
    .sort((a, b) => a.name.localeCompare(b.name));
  const hash = createHash("sha256");
  for (const f of files) hash.update(`${f.name}\0${f.contents.length}\0`).update(f.contents);
  const dir = join(dist, hash.digest("hex").slice(0, 16));

  await mkdir(dist, { recursive: true });
  let fresh = false;
  // Touched first: its age is its last use, so a concurrent build's pruning spares it from now on.
  if (!(await touch(dir))) {
    // Written beside it and renamed into place: a concurrent build of the same sources either
    // wins the rename or finds the finished directory, never a half-written one.
    const tmp = await mkdtemp(join(dist, TEMP_PREFIX));
    await chmod(tmp, 0o755); // mkdtemp makes it private
    for (const f of files) await writeFile(join(tmp, f.name), f.contents);
    try {
      await rename(tmp, dir);
      fresh = true;
    } catch (err) {
      await rm(tmp, { recursive: true, force: true });
      if (!(await touch(dir))) throw err;
    }
  }

  return {
    dir,
    entries: Object.fromEntries(WORKERS.map((name) => [name, join(dir, `${name}.js`)])) as Record<
      WorkerName,
      string
    >,
    fresh,
    pruned: await prune(dist, dir),
  };
}

/**
 * Points `current` beside `dir` at it (relative, so the checkout may move), atomically: a symlink
 * made under another name and renamed over the old one. Returns the link's path.
 */
export async function makeCurrent(dir: string): Promise<string> {
  const dist = dirname(dir);
  const tmp = join(dist, `${TEMP_PREFIX}current-${randomBytes(6).toString("hex")}`);
  await symlink(basename(dir), tmp);
  await rename(tmp, join(dist, CURRENT));
  return join(dist, CURRENT);
}

/**
 * In a bundle every module shares the entry's import.meta.url, so a module that runs itself "when
 * it is the main module" (`import.meta.url === pathToFileURL(process.argv[1]).href`) would run
 * inside the worker. Such a module must not be bundled into a worker.
 */
async function refuseSelfRunningModules(metafile: esbuild.Metafile, entries: string[]) {
  const entryInputs = new Set(entries.map((e) => relative(REPO, e)));
  const offenders: string[] = [];
  for (const input of Object.keys(metafile.inputs)) {
    if (entryInputs.has(input) || input.includes("node_modules/")) continue;
    if (/process\.argv\[1\]/.test(await readFile(join(REPO, input), "utf8"))) offenders.push(input);
  }
  if (offenders.length > 0) {
    throw new Error(
      `workers build: ${offenders.join(", ")} read process.argv[1] (a "run when main" check?); ` +
        "bundled into a worker it would act as the worker's own main module",
    );
  }
}

/** Removes build directories (and abandoned temp entries) unused for KEEP_MS, but `keep` and current's. */
async function prune(dist: string, keep: string): Promise<string[]> {
  const current = await readlink(join(dist, CURRENT)).catch(() => undefined);
  const pruned: string[] = [];
  for (const name of await readdir(dist)) {
    const path = join(dist, name);
    if (path === keep || name === current) continue;
    if (!BUILD_DIR.test(name) && !name.startsWith(TEMP_PREFIX)) continue;
    const { mtimeMs } = await lstat(path).catch(() => ({ mtimeMs: Date.now() }));
    if (Date.now() - mtimeMs < KEEP_MS) continue;
    await rm(path, { recursive: true, force: true });
    pruned.push(name);
  }
  return pruned;
}

/** Sets the mtime of `path` to now; false if it does not exist. */
async function touch(path: string): Promise<boolean> {
  const now = new Date();
  return utimes(path, now, now).then(
    () => true,
    (err: NodeJS.ErrnoException) => {
      if (err.code === "ENOENT") return false;
      throw err;
    },
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const started = performance.now();
  const build = await buildWorkers();
  const current = await makeCurrent(build.dir);
  const ms = Math.round(performance.now() - started);
  const dir = relative(REPO, build.dir);
  console.log(`workers: ${build.fresh ? "built" : "unchanged,"} ${dir} in ${ms} ms`);
  for (const [name, path] of Object.entries(build.entries)) {
    console.log(
      `  ${name}: ${relative(REPO, path)} (${Math.round((await stat(path)).size / 1024)} KiB)`,
    );
  }
  console.log(`  ${relative(REPO, current)} -> ${basename(build.dir)}`);
  if (build.pruned.length > 0) console.log(`  pruned: ${build.pruned.join(", ")}`);
}
