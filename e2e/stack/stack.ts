// A whole Nimbus cloud for one test file: every process real (web, conductor, scheduler, one
// compute per host, consoleauth), on a database, a RabbitMQ vhost and directories of its own, torn
// down afterwards. System tests, the Playwright suite, the fault suite and the benchmarks all
// start their cloud here. The workers run as ./scripts/up runs them: bundles under plain node.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { appendFileSync, closeSync, existsSync, openSync } from "node:fs";
import { cp, mkdir, mkdtemp, open, readdir, readFile, rm, stat } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { createTestVhost, type TestVhost } from "@nimbus/rpc/testing";
import * as mariadb from "mariadb";
import { buildWorkers, type WorkersBuild } from "../../apps/workers/build";
import { client, type ApiClient } from "./client";
import { stackConfig } from "./config";
import { observeStack, type StackEvents } from "./events";
import { keystoneIdentity, login, type Who } from "./identity";

export type { Who };

export const REPO = resolve(import.meta.dirname, "../..");

export type ProcessName = "conductor" | "scheduler" | "consoleauth" | "web" | `compute:${string}`;

export interface ComputeSpec {
  host: string;
  /** qemu:///system for real guests; test:///default (libvirt's fake hypervisor) by default */
  libvirtUri?: string;
  env?: Record<string, string>;
}

export interface StackOptions {
  /** names the stack's directory and its saved logs */
  name?: string;
  computes?: ComputeSpec[];
  /** serve the dashboard too (needs `next build` output); API-only stacks start faster */
  withNext?: boolean;
  /** settings for every process (NIMBUS_*); NIMBUS_AUTH_STRATEGY=noauth2 for Nova's test mode */
  env?: Record<string, string>;
  /** settings for one process */
  envFor?: Partial<
    Record<"conductor" | "scheduler" | "consoleauth" | "web", Record<string, string>>
  >;
  /** keep the logs and directories after stop() (also kept when a start fails) */
  keep?: boolean;
  /**
   * A broker of the test's own (e2e/stack/broker.ts) to run on instead of a fresh vhost of the
   * machine's RabbitMQ; the stack leaves it as it is when it stops.
   */
  amqpUrl?: string;
  /** extra node flags for a process (the benchmarks' --profile adds --cpu-prof) */
  nodeArgs?: (name: ProcessName) => string[];
}

export interface StackProcess {
  readonly name: ProcessName;
  readonly pid: number | undefined;
  readonly running: boolean;
  /** Start the process and wait until it says it is ready (rejects, with its log, if it dies first). */
  start(): Promise<void>;
  /** Signal the process's group and wait for it to exit (SIGTERM turns into SIGKILL after 20 s). */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Send a signal to the process's group and return at once (SIGSTOP freezes it, SIGCONT thaws). */
  signal(signal: NodeJS.Signals): void;
  restart(): Promise<void>;
  readonly logPath: string;
}

/** A server as GET /servers/{id} shows it to an admin at the stack's microversion. */
export interface ServerView {
  id: string;
  name: string;
  status: string;
  tenant_id: string;
  "OS-EXT-STS:vm_state": string;
  "OS-EXT-STS:task_state": string | null;
  "OS-EXT-STS:power_state": number;
  "OS-EXT-SRV-ATTR:host": string | null;
  "OS-EXT-SRV-ATTR:instance_name": string;
  flavor: { original_name: string; ram: number; vcpus: number; disk: number };
  fault?: { code: number; message: string; details?: string };
  [key: string]: unknown;
}

export interface Stack {
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  computeUrl: string;
  /** `keystone` unless the stack was started with NIMBUS_AUTH_STRATEGY=noauth2. */
  authStrategy: "keystone" | "noauth2";
  adminPassword: string;
  /** The password of the service user `nimbus` the computes log in as. */
  servicePassword: string;
  databaseUrl: string;
  amqpUrl: string;
  root: string;
  imagesDir: string;
  /** The seeded public image (tiny-linux). */
  imageId: string;
  /** Every instance notification since the stack started (a test-only bus connection). */
  events: StackEvents;
  /**
   * The X-Auth-Token for `who` (admin by default). Under Keystone the project and the user (with
   * `who.role`, member by default) are made through the identity API on first use, and each
   * token is asked for once; under noauth2 it is `user:project`.
   */
  token(who?: Who): Promise<string>;
  /** The admin's token (project admin). */
  adminToken(): Promise<string>;
  /** A password login scoped to a project (domain Default); fails unless Keystone answers 201. */
  login(user: string, password: string, project: string): Promise<string>;
  /** The user and project ids of `who` (noauth2: the names themselves). */
  ids(who: Who): Promise<{ userId: string; projectId: string }>;
  /** An identity API client (paths relative to /identity/v3) acting as the admin. */
  identityAdmin(): Promise<ApiClient>;
  /** A compute API client (paths relative to /compute/v2.1) acting as `who`. */
  compute(who?: Who, microversion?: string): Promise<ApiClient>;
  /** The instance directory of a server on a host (disk, console log). */
  instanceDir(host: string, uuid: string): string;
  /**
   * GET /servers/{id} (as admin) until `predicate` holds; re-checked on every instance event and
   * at least every 500 ms. Fails after the deadline with the server's last state.
   */
  waitForServer(
    id: string,
    predicate: (s: ServerView) => boolean,
    timeoutMs?: number,
  ): Promise<ServerView>;
  /** Until GET /servers/{id} answers 404. */
  waitForServerGone(id: string, timeoutMs?: number): Promise<void>;
  process(name: ProcessName): StackProcess;
  processes(): StackProcess[];
  /** The last lines of every process's log, for a failing test's output. */
  logTail(lines?: number): Promise<string>;
  stop(): Promise<void>;
}

/** The web runs from source under tsx; the workers from buildWorkers()'s bundles. */
const WEB_ENTRY = "apps/web/server.ts";

// Built once per test process (an unchanged source reuses the last build's directory).
let workersBuild: Promise<WorkersBuild> | undefined;
const workerBundles = () => (workersBuild ??= buildWorkers());

/** The log line each process writes once it serves (the workers' runWorker, the web server). */
const READY: Record<string, string> = {
  conductor: `"msg":"conductor started"`,
  scheduler: `"msg":"scheduler started"`,
  consoleauth: `"msg":"consoleauth started"`,
  compute: `"msg":"compute started"`,
  web: `"msg":"web listening"`,
};

const START_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 20_000;

export async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", fail);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => ok(port));
    });
  });
}

/** Run a command to completion; rejects with its output when it exits non-zero. */
export function run(
  cmd: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<string> {
  return new Promise((ok, fail) => {
    const child = spawn(cmd, args, {
      cwd: REPO,
      env: { ...baseEnv(), ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("error", fail);
    child.on("exit", (code) =>
      code === 0 ? ok(out) : fail(new Error(`${cmd} ${args.join(" ")} exited ${code}:\n${out}`)),
    );
  });
}

/** Only what a process needs from our environment; the rest comes from the stack. */
function baseEnv(): Record<string, string> {
  const { PATH, HOME, LANG } = process.env;
  return {
    PATH: PATH ?? "/usr/bin:/bin",
    HOME: HOME ?? "/root",
    LANG: LANG ?? "C.UTF-8",
    NODE_ENV: "production",
  };
}

// Process groups still alive when the test runner exits (a crashed test, an aborted run) are
// killed on the way out, so no worker outlives its stack.
const liveGroups = new Set<number>();
process.once("exit", () => {
  for (const pgid of liveGroups) {
    try {
      process.kill(-pgid, "SIGKILL");
    } catch {
      // already gone
    }
  }
});

class ManagedProcess implements StackProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();

  constructor(
    readonly name: ProcessName,
    /** node's arguments after nodeArgs: the script, and for the web `--import tsx` before it */
    private readonly args: string[],
    private readonly env: Record<string, string>,
    readonly logPath: string,
    private readonly nodeArgs: string[] = [],
  ) {}

  get pid() {
    return this.child?.pid;
  }

  get running() {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  async start() {
    if (this.running) return;
    appendFileSync(this.logPath, `=== ${new Date().toISOString()} start ${this.name}\n`);
    const from = (await stat(this.logPath)).size;
    const fd = openSync(this.logPath, "a");
    // node itself, not a wrapper: the process is the worker (or the web) we signal, and the leader
    // of its own group, so a kill also reaches what it spawned (virsh, qemu-img).
    const child = spawn(process.execPath, [...this.nodeArgs, ...this.args], {
      cwd: REPO,
      env: { ...baseEnv(), ...this.env },
      stdio: ["ignore", fd, fd],
      detached: true,
    });
    closeSync(fd);
    this.child = child;
    const pgid = child.pid!;
    liveGroups.add(pgid);
    this.exited = new Promise((ok) =>
      child.once("exit", (code, signal) => {
        liveGroups.delete(pgid);
        // Said in the log itself, so a tail shows a process that died under a test.
        appendFileSync(
          this.logPath,
          `=== ${new Date().toISOString()} ${this.name} exited (${signal ?? `code ${code}`})\n`,
        );
        ok();
      }),
    );
    await this.ready(from);
  }

  /** Until the process logs its readiness line after byte `from` of its log. */
  private async ready(from: number) {
    const marker = READY[this.name.split(":")[0]!]!;
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      if ((await readFrom(this.logPath, from)).includes(marker)) return;
      if (!this.running) {
        throw new Error(
          `${this.name} exited during start-up:\n${tail(await readFrom(this.logPath, from), 40)}`,
        );
      }
      if (Date.now() > deadline) {
        throw new Error(
          `${this.name} not ready after ${START_TIMEOUT_MS} ms:\n${tail(await readFrom(this.logPath, from), 40)}`,
        );
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  signal(signal: NodeJS.Signals) {
    if (this.running) this.sendToGroup(signal);
  }

  private sendToGroup(signal: NodeJS.Signals) {
    try {
      process.kill(-this.child!.pid!, signal);
    } catch {
      // the group is gone already
    }
  }

  async kill(signal: NodeJS.Signals = "SIGTERM") {
    if (!this.running) return;
    this.sendToGroup(signal);
    // A frozen (SIGSTOPped) process only acts on the signal once it runs again.
    this.sendToGroup("SIGCONT");
    const escalate =
      signal === "SIGKILL"
        ? undefined
        : setTimeout(() => this.sendToGroup("SIGKILL"), STOP_GRACE_MS);
    await this.exited;
    clearTimeout(escalate);
    // The leader is gone; take down anything of its group that outlived it.
    this.sendToGroup("SIGKILL");
  }

  async restart() {
    await this.kill();
    await this.start();
  }
}

async function readFrom(path: string, from: number): Promise<string> {
  const fh = await open(path, "r");
  try {
    const { size } = await fh.stat();
    const buf = Buffer.alloc(Math.max(0, size - from));
    await fh.read(buf, 0, buf.length, from);
    return buf.toString("utf8");
  } finally {
    await fh.close();
  }
}

function tail(text: string, lines: number): string {
  return text.split("\n").slice(-lines).join("\n");
}

async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline)
      throw new Error(`stack: timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const cfg = stackConfig();
  const computes = options.computes ?? [{ host: "node1" }];
  const root = await mkdtemp(join(tmpdir(), `nimbus-stack-${options.name ?? ""}-`));
  const imagesDir = join(root, "images");
  await mkdir(imagesDir, { recursive: true });

  const dbName = `nimbus_test_${randomBytes(6).toString("hex")}`;
  const dbUrl = new URL(cfg.NIMBUS_DATABASE_URL);
  dbUrl.pathname = `/${dbName}`;
  const databaseUrl = dbUrl.toString();
  const adminPassword = randomBytes(12).toString("hex");
  const servicePassword = randomBytes(12).toString("hex");
  const authStrategy = options.env?.NIMBUS_AUTH_STRATEGY === "noauth2" ? "noauth2" : "keystone";
  let vhost: TestVhost | undefined;
  let events: StackEvents | undefined;
  const procs = new Map<ProcessName, ManagedProcess>();

  const logTail = async (lines = 40) => {
    const parts: string[] = [];
    for (const p of procs.values()) {
      const text = await readFile(p.logPath, "utf8").catch(() => "");
      parts.push(`--- ${p.name} (${p.logPath})\n${tail(text, lines)}`);
    }
    return parts.join("\n");
  };

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await events?.close().catch(() => undefined);
    // The API first, the conductor last: a worker finishing its work still has someone to report to.
    const order = (p: ManagedProcess) =>
      p.name === "web" ? 0 : p.name.startsWith("compute:") ? 1 : p.name === "conductor" ? 3 : 2;
    for (const rank of [0, 1, 2, 3]) {
      await Promise.all(
        [...procs.values()].filter((p) => order(p) === rank).map((p) => p.kill("SIGTERM")),
      );
    }
    await destroyStackDomains(root);
    await vhost?.delete().catch(() => undefined); // none when the test brought its own broker
    const conn = await mariadb.createConnection(serverOf(cfg.NIMBUS_DATABASE_URL));
    try {
      await conn.query(`DROP DATABASE IF EXISTS \`${dbName}\``);
    } finally {
      await conn.end();
    }
    if (cfg.NIMBUS_TEST_ARTIFACTS) {
      const dest = join(cfg.NIMBUS_TEST_ARTIFACTS, "system", basename(root));
      await mkdir(dest, { recursive: true });
      for (const p of procs.values())
        await cp(p.logPath, join(dest, basename(p.logPath))).catch(() => undefined);
    }
    if (!options.keep) await rm(root, { recursive: true, force: true });
  };

  try {
    // Built while the database is prepared; awaited (and its failure thrown) below.
    const bundles = workerBundles();
    bundles.catch(() => undefined);
    const amqpUrl = options.amqpUrl ?? (vhost = await createTestVhost()).url;
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const common: Record<string, string> = {
      NIMBUS_AMQP_URL: amqpUrl,
      NIMBUS_LOG_LEVEL: cfg.NIMBUS_LOG_LEVEL,
      ...options.env,
    };

    // The database: migrate and seed through the db package's own commands.
    await run("npm", ["run", "-s", "migrate", "-w", "@nimbus/db"], {
      NIMBUS_DATABASE_URL: databaseUrl,
    });
    await run("npm", ["run", "-s", "seed", "-w", "@nimbus/db"], {
      NIMBUS_DATABASE_URL: databaseUrl,
      NIMBUS_ADMIN_PASSWORD: adminPassword,
      NIMBUS_SERVICE_PASSWORD: servicePassword,
      NIMBUS_IMAGES_DIR: imagesDir,
      NIMBUS_SEED_IMAGE: cfg.NIMBUS_SEED_IMAGE,
    });

    // The seed stores the image as <imagesDir>/<image id>, its only file.
    const [imageId, ...others] = await readdir(imagesDir);
    if (!imageId || others.length > 0)
      throw new Error(`stack: expected one seeded image in ${imagesDir}`);

    const { entries } = await bundles;
    const add = (name: ProcessName, args: string[], env: Record<string, string>) => {
      procs.set(
        name,
        new ManagedProcess(
          name,
          args,
          { ...common, ...env },
          join(root, `${name.replace(":", "-")}.log`),
          options.nodeArgs?.(name),
        ),
      );
    };
    add("conductor", [entries.conductor], {
      NIMBUS_HOST: "controller",
      NIMBUS_DATABASE_URL: databaseUrl,
      ...options.envFor?.conductor,
    });
    add("scheduler", [entries.scheduler], {
      NIMBUS_HOST: "controller",
      ...options.envFor?.scheduler,
    });
    add("consoleauth", [entries.consoleauth], {
      NIMBUS_HOST: "controller",
      ...options.envFor?.consoleauth,
    });
    for (const c of computes) {
      const dir = join(root, "hosts", c.host);
      add(`compute:${c.host}`, [entries.compute], {
        NIMBUS_HOST: c.host,
        NIMBUS_LIBVIRT_URI: c.libvirtUri ?? "test:///default",
        NIMBUS_INSTANCES_DIR: join(dir, "instances"),
        NIMBUS_IMAGE_CACHE_DIR: join(dir, "_base"),
        NIMBUS_IMAGE_API_URL: `${url}/image`,
        NIMBUS_IDENTITY_URL: `${url}/identity`,
        NIMBUS_SERVICE_PASSWORD: servicePassword,
        ...c.env,
      });
    }
    add("web", ["--import", "tsx", WEB_ENTRY], {
      NIMBUS_HOST: "controller",
      NIMBUS_WEB_LISTEN: "127.0.0.1",
      NIMBUS_WEB_PORT: String(port),
      NIMBUS_WEB_NEXT: options.withNext ? "1" : "0",
      NIMBUS_IMAGES_DIR: imagesDir,
      ...options.envFor?.web,
    });

    events = await observeStack(amqpUrl);
    const stackEvents = events;

    const identity = keystoneIdentity(url, adminPassword);
    const token = async (who: Who = { admin: true }) => {
      if (authStrategy === "keystone") return identity.token(who);
      // noauth2: the token names the user and project (Nova's test mode).
      if (who.admin) return `admin:${who.project ?? "admin"}`;
      const user = who.user ?? "demo";
      if (user === "admin")
        throw new Error("stack.token: user admin is an admin; say { admin: true }");
      return `${user}:${who.project ?? user}`;
    };
    const compute = async (who?: Who, microversion = "2.100") =>
      client(`${url}/compute/v2.1`, {
        "x-auth-token": await token(who),
        "openstack-api-version": `compute ${microversion}`,
      });
    // A client per use: its token comes from token(), which replaces tokens about to expire.
    const admin = () => compute();

    const waitForServer = async (
      id: string,
      predicate: (s: ServerView) => boolean,
      timeoutMs = 30_000,
    ) => {
      const deadline = Date.now() + timeoutMs;
      let wake: () => void = () => undefined;
      const off = stackEvents.onEvent(() => wake());
      try {
        for (;;) {
          const res = await (await admin()).get<{ server: ServerView }>(`/servers/${id}`);
          if (res.status === 200 && predicate(res.body.server)) return res.body.server;
          if (Date.now() > deadline) {
            const s = res.body?.server as ServerView | undefined;
            const state = s
              ? `${s.status} ${s["OS-EXT-STS:vm_state"]}/${s["OS-EXT-STS:task_state"]}/${s["OS-EXT-STS:power_state"]} on ${s["OS-EXT-SRV-ATTR:host"]}${s.fault ? `, fault: ${s.fault.message}` : ""}`
              : `HTTP ${res.status} ${JSON.stringify(res.body)}`;
            throw new Error(
              `server ${id}: condition not met within ${timeoutMs} ms (last: ${state})`,
            );
          }
          await new Promise<void>((r) => {
            const timer = setTimeout(r, Math.min(500, Math.max(0, deadline - Date.now())));
            wake = () => {
              clearTimeout(timer);
              r();
            };
          });
        }
      } finally {
        off();
      }
    };

    const stack: Stack = {
      url,
      computeUrl: `${url}/compute/v2.1`,
      authStrategy,
      adminPassword,
      servicePassword,
      databaseUrl,
      amqpUrl,
      root,
      imagesDir,
      imageId,
      events,
      token,
      adminToken: () => token(),
      login: (user, password, project) => login(url, user, password, project),
      async ids(who) {
        if (authStrategy === "keystone") return identity.ids(who);
        const user = who.admin ? "admin" : (who.user ?? "demo");
        return { userId: user, projectId: who.project ?? (who.admin ? "admin" : user) };
      },
      identityAdmin: () => identity.admin(),
      compute,
      instanceDir: (host, uuid) => join(root, "hosts", host, "instances", uuid),
      waitForServer,
      async waitForServerGone(id, timeoutMs = 30_000) {
        await waitUntil(
          `server ${id} to be gone`,
          async () => (await (await admin()).get(`/servers/${id}`)).status === 404,
          timeoutMs,
        );
      },
      process(name) {
        const p = procs.get(name);
        if (!p) throw new Error(`stack: no process ${name}`);
        return p;
      },
      processes: () => [...procs.values()],
      logTail,
      stop,
    };

    // The conductor first (everyone reports to it), then the scheduler (so its host view hears
    // every compute register), then the rest; each once it says it serves.
    await stack.process("conductor").start();
    const computeNames = computes.map((c) => `compute:${c.host}` as const);
    await Promise.all(
      [...procs.values()]
        .filter((p) => p.name !== "conductor" && !p.name.startsWith("compute:"))
        .map((p) => p.start()),
    );
    await Promise.all(computeNames.map((n) => stack.process(n).start()));
    // Builds need the scheduler and every compute registered, and the scheduler's host view to
    // know them: wait until os-hypervisors (the conductor's view) lists every host up.
    const binaries = ["nova-scheduler", ...(procs.has("consoleauth") ? ["nova-consoleauth"] : [])];
    await waitUntil(
      `services ${[...binaries, ...computes.map((c) => c.host)].join(", ")} up`,
      async () => {
        const res = await (
          await admin()
        ).get<{
          services: Array<{ host: string; binary: string; state: string }>;
        }>("/os-services");
        if (res.status !== 200) return false;
        const up = (binary: string, host?: string) =>
          res.body.services.some(
            (s) => s.binary === binary && (!host || s.host === host) && s.state === "up",
          );
        return binaries.every((b) => up(b)) && computes.every((c) => up("nova-compute", c.host));
      },
      START_TIMEOUT_MS,
    );
    return stack;
  } catch (err) {
    const logs = await logTail(60);
    await Promise.all([...procs.values()].map((p) => p.kill("SIGKILL")));
    await stop().catch(() => undefined);
    throw new Error(`${(err as Error).message}\n${logs}`, { cause: err });
  }
}

function serverOf(url: string) {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 3306),
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
  };
}

/** `virsh -c qemu:///system ARGS` */
export const virsh = (...args: string[]) => run("virsh", ["-c", "qemu:///system", ...args]);

/**
 * Real guests a test left behind (a failed test, a killed compute): every libvirt domain on
 * qemu:///system whose disk or console log lives under this stack's directory.
 */
async function destroyStackDomains(root: string): Promise<void> {
  if (!existsSync("/var/run/libvirt/libvirt-sock")) return;
  const names = (await virsh("list", "--all", "--name").catch(() => ""))
    .split("\n")
    .map((s) => s.trim())
    .filter(Boolean);
  for (const name of names) {
    const xml = await virsh("dumpxml", name).catch(() => "");
    if (!xml.includes(root)) continue;
    await virsh("destroy", name).catch(() => undefined);
    await virsh("undefine", name).catch(() => undefined);
  }
}
