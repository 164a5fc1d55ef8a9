// The machine a benchmark ran on, printed first and stored with every result: figures mean little
// without the CPU, the load it started under and the versions of the services in the path.
import { execFileSync } from "node:child_process";
import { cpus, loadavg, release, totalmem, version } from "node:os";
import * as mariadb from "mariadb";
import { stackConfig } from "../../e2e/stack/config";

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  kernel: string;
  node: string;
  mariadb: string;
  rabbitmq: string;
  /** 1, 5 and 15 minute load averages when the benchmark started */
  loadAverage: [number, number, number];
  /** the commit measured (with "+dirty" for uncommitted changes) */
  commit: string;
}

async function mariadbVersion(): Promise<string> {
  const url = new URL(stackConfig().NIMBUS_DATABASE_URL);
  const conn = await mariadb.createConnection({
    host: url.hostname,
    port: Number(url.port || 3306),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
  });
  try {
    const [row] = await conn.query<{ v: string }[]>("SELECT VERSION() AS v");
    return row?.v ?? "unknown";
  } finally {
    await conn.end();
  }
}

async function rabbitmqVersion(): Promise<string> {
  const api = new URL(stackConfig().NIMBUS_RABBITMQ_API_URL);
  const auth = Buffer.from(
    `${decodeURIComponent(api.username)}:${decodeURIComponent(api.password)}`,
  ).toString("base64");
  api.username = api.password = "";
  const res = await fetch(`${api.toString().replace(/\/$/, "")}/overview`, {
    headers: { authorization: `Basic ${auth}` },
  });
  const body = (await res.json()) as { rabbitmq_version?: string; erlang_version?: string };
  return `${body.rabbitmq_version ?? "unknown"} (Erlang ${body.erlang_version ?? "?"})`;
}

function commit(): string {
  try {
    const head = execFileSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--untracked-files=no"], {
      encoding: "utf8",
    }).trim();
    return dirty ? `${head}+dirty` : head;
  } catch {
    return "unknown";
  }
}

/** The services' versions come from the local ones (a running cloud elsewhere may differ). */
export async function describeMachine(): Promise<Machine> {
  const loadAverage = loadavg().map((l) => Math.round(l * 100) / 100) as Machine["loadAverage"];
  const unknown = (err: unknown) => `unknown (${(err as Error).message})`;
  return {
    cpu: cpus()[0]?.model.trim() ?? "unknown",
    cores: cpus().length,
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    kernel: `${release()} ${version()}`,
    node: process.version,
    mariadb: await mariadbVersion().catch(unknown),
    rabbitmq: await rabbitmqVersion().catch(unknown),
    loadAverage,
    commit: commit(),
  };
}

export function printMachine(m: Machine): void {
  console.log(`machine   ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, kernel ${m.kernel}`);
  console.log(`software  node ${m.node}, MariaDB ${m.mariadb}, RabbitMQ ${m.rabbitmq}`);
  console.log(`at start  load average ${m.loadAverage.join(" / ")}, commit ${m.commit}`);
}
