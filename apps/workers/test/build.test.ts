// The workers' bundles (build.ts): one complete directory per output however many builds race,
// old builds pruned but never the current one, and bundles that load under plain node.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readlink, rm, stat, symlink, utimes } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { buildWorkers, makeCurrent, WORKERS } from "../build";

const temps: string[] = [];
afterEach(async () => {
  for (const dir of temps.splice(0)) await rm(dir, { recursive: true, force: true });
});
async function tempDist() {
  const dir = await mkdtemp(join(tmpdir(), "nimbus-workers-dist-"));
  temps.push(dir);
  return dir;
}

describe("buildWorkers", () => {
  test("concurrent builds of one source end in one complete directory, reused later", async () => {
    const dist = await tempDist();
    const builds = await Promise.all([1, 2, 3].map(() => buildWorkers({ dist })));

    expect(new Set(builds.map((b) => b.dir)).size).toBe(1);
    expect(builds.filter((b) => b.fresh)).toHaveLength(1);
    const dir = builds[0]!.dir;
    expect((await readdir(dir)).sort()).toEqual(
      WORKERS.flatMap((w) => [`${w}.js`, `${w}.js.map`]).sort(),
    );
    for (const w of WORKERS)
      expect((await stat(builds[0]!.entries[w])).size).toBeGreaterThan(10_000);
    expect(await readdir(dist)).toEqual([basename(dir)]); // no temp directory left behind

    const again = await buildWorkers({ dist });
    expect(again).toMatchObject({ dir, fresh: false });
  });

  test("prunes builds unused for an hour, but not the current one or younger ones", async () => {
    const dist = await tempDist();
    const hoursAgo = (h: number) => new Date(Date.now() - h * 3600_000);
    const dirs = {
      old: "0123456789abcdef",
      oldCurrent: "1111111111111111",
      young: "2222222222222222",
      abandoned: ".tmp-abc123",
      other: "notes",
    };
    for (const name of Object.values(dirs)) await mkdir(join(dist, name));
    await symlink(dirs.oldCurrent, join(dist, "current"));
    for (const name of [dirs.old, dirs.oldCurrent, dirs.abandoned, dirs.other])
      await utimes(join(dist, name), hoursAgo(2), hoursAgo(2));
    await utimes(join(dist, dirs.young), hoursAgo(0.5), hoursAgo(0.5));

    const build = await buildWorkers({ dist });

    expect(build.pruned.sort()).toEqual([dirs.abandoned, dirs.old].sort());
    expect((await readdir(dist)).sort()).toEqual(
      [basename(build.dir), "current", dirs.oldCurrent, dirs.young, dirs.other].sort(),
    );
  });

  test("makeCurrent points current at a build, relative, replacing the previous link", async () => {
    const dist = await tempDist();
    const build = await buildWorkers({ dist });
    await mkdir(join(dist, "fedcba9876543210"));
    await makeCurrent(join(dist, "fedcba9876543210"));

    const current = await makeCurrent(build.dir);

    expect(current).toBe(join(dist, "current"));
    expect(await readlink(current)).toBe(basename(build.dir));
    expect(existsSync(join(current, "conductor.js"))).toBe(true);
    expect((await readdir(dist)).filter((n) => n.startsWith(".tmp-"))).toEqual([]);
  });
});

// In apps/workers/dist, where the externals resolve from node_modules: each bundle loads every
// module it imports (native bindings included) and gets as far as parsing its configuration.
let built: ReturnType<typeof buildWorkers> | undefined;
test.each(WORKERS)("the %s bundle runs under plain node", async (worker) => {
  const { entries } = await (built ??= buildWorkers());
  const run = spawnSync(process.execPath, [entries[worker]], {
    cwd: tmpdir(),
    env: { PATH: process.env.PATH, NIMBUS_LOG_LEVEL: "loud" },
    encoding: "utf8",
    timeout: 30_000,
  });
  expect(run.stderr).toContain("ConfigError: invalid configuration:\n  NIMBUS_LOG_LEVEL:");
  expect(run.status).toBe(1);
});
