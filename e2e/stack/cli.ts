// The stock clients against a throwaway cloud: starts a stack (Keystone, one compute on
// qemu:///system, so the server is a real TCG guest), writes an openrc for its admin exactly as
// ./scripts/up does for a deployment, runs scripts/cli/openstack-smoke.sh and sdk-smoke.py with it
// (their PASS/FAIL lines go straight to our stdout), and always stops the stack.
// Exits non-zero if the stack did not start or a script failed.
// Usage: npx tsx e2e/stack/cli.ts   (./scripts/test runs it as the `cli` suite)
import { spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { REPO, startStack, type Stack } from "./stack";

/** Each script's own waits are bounded; this is the backstop for a hung client. */
const SCRIPT_TIMEOUT_MS = 20 * 60_000;

// The scripts get the openrc and nothing of our environment but these (no stray OS_* variables).
const { PATH = "/usr/bin:/bin", HOME = "/root", LANG = "C.UTF-8" } = process.env;

let stopCurrent: (() => void) | undefined;
let interrupted = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    // Stop the running script (its trap cleans up) and fall through to stack.stop().
    interrupted = true;
    stopCurrent?.();
  });
}

function openrc(stack: Stack): string {
  return [
    "# Written by e2e/stack/cli.ts: the stack's admin, as scripts/up writes a deployment's openrc.",
    `export OS_AUTH_URL=${stack.url}/identity/v3`,
    "export OS_USERNAME=admin",
    `export OS_PASSWORD=${stack.adminPassword}`,
    "export OS_PROJECT_NAME=admin",
    "export OS_USER_DOMAIN_NAME=Default",
    "export OS_PROJECT_DOMAIN_NAME=Default",
    "export OS_IDENTITY_API_VERSION=3",
    "export OS_REGION_NAME=RegionOne",
    "",
  ].join("\n");
}

/** `bash ARGS` (one script) in a process group of its own, output passed through; true if it passed. */
function runScript(title: string, args: string[]): Promise<boolean> {
  return new Promise((done) => {
    const child = spawn("bash", args, {
      cwd: REPO,
      env: { PATH, HOME, LANG },
      stdio: ["ignore", "inherit", "inherit"],
      detached: true,
    });
    const stop = () => {
      try {
        process.kill(-child.pid!, "SIGTERM");
      } catch {
        // already gone
      }
    };
    stopCurrent = stop;
    const timer = setTimeout(() => {
      console.log(`FAIL ${title}: still running after ${SCRIPT_TIMEOUT_MS / 1000} s, stopped`);
      stop();
    }, SCRIPT_TIMEOUT_MS);
    child.on("error", (err) => {
      clearTimeout(timer);
      console.log(`FAIL ${title}: ${err.message}`);
      done(false);
    });
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      stopCurrent = undefined;
      if (code !== 0) console.error(`${title} exited ${signal ?? `with status ${code}`}`);
      done(code === 0);
    });
  });
}

async function main(): Promise<number> {
  const started = Date.now();
  let stack: Stack;
  try {
    stack = await startStack({
      name: "cli",
      computes: [{ host: "node1", libvirtUri: "qemu:///system" }],
    });
  } catch (err) {
    console.log(`FAIL start a stack: ${(err as Error).message}`);
    return 1;
  }
  console.log(`stack up at ${stack.url} in ${Math.round((Date.now() - started) / 1000)} s`);
  let ok = true;
  try {
    const rc = join(stack.root, "openrc");
    await writeFile(rc, openrc(stack), { mode: 0o600 });
    const scripts: Array<[string, string[]]> = [
      ["scripts/cli/openstack-smoke.sh", ["scripts/cli/openstack-smoke.sh", rc]],
      // As a user runs it: source the openrc, then the script (openstack.connect() reads OS_*).
      [
        "scripts/cli/sdk-smoke.py",
        ["-c", 'source "$1" && exec scripts/cli/sdk-smoke.py', "sdk-smoke", rc],
      ],
    ];
    for (const [title, args] of scripts) {
      if (interrupted) break;
      ok = (await runScript(title, args)) && ok;
    }
  } finally {
    await stack.stop();
  }
  return ok && !interrupted ? 0 : 1;
}

process.exitCode = await main();
