// What the processes of a cloud cost: CPU time and resident memory from /proc, for the stack's own
// processes and the shared services (MariaDB, RabbitMQ) on this machine. CPU per boot, split by
// process, says where a run's time went without a profiler.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import type { Stack } from "../../e2e/stack/stack";

export interface Proc {
  name: string;
  pid: number;
}

const TICKS_PER_SECOND = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim());

/** User + system CPU time a process has used so far, in ms (0 once it is gone). */
export function cpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may hold spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(fields[11]) + Number(fields[12]);
    return (ticks * 1000) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** VmRSS and VmHWM (peak) of a process, in MiB. */
export function memoryMiB(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = (field: string) =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1]);
  return { rss: kib("VmRSS") / 1024, peak: kib("VmHWM") / 1024 };
}

/** The stack's processes, this one, and the local MariaDB and RabbitMQ (by command name). */
export function cloudProcesses(stack: Stack): Proc[] {
  const out: Proc[] = stack
    .processes()
    .filter((p) => p.running && p.pid !== undefined)
    .map((p) => ({ name: p.name, pid: p.pid! }));
  out.push({ name: "benchmark", pid: process.pid });
  const wanted: Record<string, string> = { mariadbd: "mariadb", "beam.smp": "rabbitmq" };
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const comm = readFileSync(`/proc/${entry}/comm`, "utf8").trim();
      if (wanted[comm]) out.push({ name: wanted[comm], pid: Number(entry) });
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** CPU used by each process between now and when the returned function is called, in ms. */
export function cpuMeter(procs: Proc[]): () => Record<string, number> {
  const start = new Map(procs.map((p) => [p.pid, cpuMs(p.pid)]));
  return () =>
    Object.fromEntries(
      procs.map((p) => [p.name, Math.round(cpuMs(p.pid) - (start.get(p.pid) ?? 0))]),
    );
}

/** "web 4.1, conductor 9.3, …" — ms of CPU per unit of work, biggest first. */
export function perUnit(cpu: Record<string, number>, units: number): string {
  return Object.entries(cpu)
    .sort((a, b) => b[1] - a[1])
    .map(([name, ms]) => `${name} ${(ms / units).toFixed(1)}`)
    .join(", ");
}
