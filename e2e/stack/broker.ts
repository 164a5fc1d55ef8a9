// A RabbitMQ node of a test's own, for tests that stop or kill the broker: the machine's shared
// broker (other tests' vhosts live on it) is never touched. It runs from Debian's rabbitmq-server
// package as this user, with its own node name, ports, cookie, data and logs under a temp dir, and
// no plugins (so no management API: stacks on it use its default vhost).
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, run } from "./stack";

/** The package's own scripts; /usr/sbin's wrappers would switch to the rabbitmq user. */
const BIN = "/usr/lib/rabbitmq/bin";
const BOOT_TIMEOUT_MS = 60_000;

export interface PrivateBroker {
  /** amqp://guest:guest@127.0.0.1:<port>/ */
  url: string;
  node: string;
  /** Boot the node (again, after kill()) and resolve once it serves AMQP. */
  start(): Promise<void>;
  /** kill -9 the node's Erlang VM: every connection drops at once, unflushed state is lost. */
  kill(): Promise<void>;
  /** `rabbitmqctl stop_app` / `start_app`: the node closes its connections, then serves again. */
  stopApp(): Promise<void>;
  startApp(): Promise<void>;
  /** Halt the node (whatever state it is in) and remove its files. */
  stop(): Promise<void>;
  /** The node's log, for a failing test's output. */
  logTail(lines?: number): Promise<string>;
}

export async function privateBroker(): Promise<PrivateBroker> {
  const root = await mkdtemp(join(tmpdir(), "nimbus-broker-"));
  const node = `nimbus-fault-${randomBytes(4).toString("hex")}@localhost`;
  const [amqpPort, distPort] = [await freePort(), await freePort()];
  const home = join(root, "home");
  await mkdir(home);
  // The CLI authenticates to the node with the cookie in $HOME; one of our own keeps the shared
  // node's cookie out of it.
  await writeFile(join(home, ".erlang.cookie"), randomBytes(20).toString("hex"), { mode: 0o400 });
  await writeFile(join(root, "enabled_plugins"), "[].\n");
  const env = {
    HOME: home,
    RABBITMQ_NODENAME: node,
    RABBITMQ_NODE_IP_ADDRESS: "127.0.0.1",
    RABBITMQ_NODE_PORT: String(amqpPort),
    RABBITMQ_DIST_PORT: String(distPort),
    RABBITMQ_MNESIA_BASE: join(root, "mnesia"),
    RABBITMQ_LOG_BASE: join(root, "log"),
    RABBITMQ_ENABLED_PLUGINS_FILE: join(root, "enabled_plugins"),
    // Not the machine's /etc/rabbitmq files: these do not exist, so the defaults apply.
    RABBITMQ_CONF_ENV_FILE: join(root, "rabbitmq-env.conf"),
    RABBITMQ_CONFIG_FILE: join(root, "rabbitmq"),
    RABBITMQ_ADVANCED_CONFIG_FILE: join(root, "advanced.config"),
  };
  const ctl = (...args: string[]) => run(`${BIN}/rabbitmqctl`, ["-n", node, ...args], env);
  const pidFile = join(root, "mnesia", `${node}.pid`);

  /** `rabbitmqctl status` answers only once the rabbit app runs (and so AMQP is served). */
  const serving = async () => {
    const deadline = Date.now() + BOOT_TIMEOUT_MS;
    while (
      !(await ctl("-q", "status").then(
        () => true,
        () => false,
      ))
    ) {
      if (Date.now() > deadline) {
        throw new Error(`private broker ${node} not up after ${BOOT_TIMEOUT_MS} ms`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  };

  const beamPid = async () => Number((await readFile(pidFile, "utf8").catch(() => "")).trim());
  /** A zombie (dead, not yet reaped by init) counts as gone. */
  const alive = (pid: number) => {
    try {
      return readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.[0] !== "Z";
    } catch {
      return false;
    }
  };

  const broker: PrivateBroker = {
    url: `amqp://guest:guest@127.0.0.1:${amqpPort}/`,
    node,
    async start() {
      await run(`${BIN}/rabbitmq-server`, ["-detached"], env);
      await serving();
    },
    async kill() {
      const pid = await beamPid();
      if (!pid || !alive(pid)) return;
      process.kill(pid, "SIGKILL");
      const deadline = Date.now() + 10_000;
      while (alive(pid)) {
        if (Date.now() > deadline) throw new Error(`broker VM ${pid} survived SIGKILL`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    stopApp: async () => void (await ctl("stop_app")),
    async startApp() {
      await ctl("start_app");
      await serving();
    },
    async stop() {
      const pid = await beamPid();
      // `stop <pidfile>` returns once the VM has exited; kill -9 whatever is left of it.
      await ctl("stop", pidFile).catch(() => undefined);
      if (pid && alive(pid)) process.kill(pid, "SIGKILL");
      await rm(root, { recursive: true, force: true });
    },
    async logTail(lines = 40) {
      const text = await readFile(join(root, "log", `${node}.log`), "utf8").catch(() => "");
      return text.split("\n").slice(-lines).join("\n");
    },
  };
  try {
    await broker.start();
  } catch (err) {
    await broker.stop();
    throw err;
  }
  return broker;
}
