// Every fault test says what it did, what it verified and the counts, in one shape: printed as a
// block in the test output and written as JSON to <artifacts>/faults/<id>.json for the record.
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "vitest";
import { stackConfig } from "../stack/config";
import { REPO } from "../stack/stack";

export interface FaultRecord {
  id: string;
  title: string;
  outcome: "pass" | "fail";
  /** the failure's first line, when it failed */
  error?: string;
  did: string[];
  /** claims made only after the assertions behind them passed */
  verified: string[];
  counts: Record<string, number>;
  /** durations in ms */
  timings: Record<string, number>;
  durationMs: number;
}

export class FaultReport {
  readonly did: string[] = [];
  readonly verified: string[] = [];
  readonly counts: Record<string, number> = {};
  readonly timings: Record<string, number> = {};
  readonly failureHooks: Array<() => Promise<void>> = [];

  /** What the test did to the cloud. */
  step(line: string): void {
    this.did.push(line);
  }

  /** Call after the expectations a line sums up have passed. */
  check(line: string): void {
    this.verified.push(line);
  }

  count(name: string, n: number): void {
    this.counts[name] = n;
  }

  time(name: string, ms: number): void {
    this.timings[name] = Math.round(ms);
  }

  /** Runs if the test fails, before anything is torn down (e.g. print the processes' logs). */
  onFailure(hook: () => Promise<void>): void {
    this.failureHooks.push(hook);
  }
}

export function artifactsDir(): string {
  return stackConfig().NIMBUS_TEST_ARTIFACTS ?? join(REPO, "test-results");
}

export function formatReport(r: FaultRecord): string {
  const pairs = (o: Record<string, number>, unit = "") =>
    Object.entries(o)
      .map(([k, v]) => `${k} ${v}${unit}`)
      .join(", ");
  const lines = [
    `┌ ${r.id} ${r.title}: ${r.outcome.toUpperCase()} in ${(r.durationMs / 1000).toFixed(1)} s`,
    ...r.did.map((l) => `│ did      ${l}`),
    ...r.verified.map((l) => `│ verified ${l}`),
    `│ counts   ${pairs(r.counts) || "-"}`,
    ...(Object.keys(r.timings).length > 0 ? [`│ timings  ${pairs(r.timings, " ms")}`] : []),
    ...(r.error ? [`│ FAILED   ${r.error}`] : []),
    "└",
  ];
  return lines.join("\n");
}

/**
 * A fault test: `body` gets a report to fill; whatever the outcome, the report is printed and
 * written (a failure shows the counts it got to, and what had been verified before it).
 */
export function faultTest(
  id: string,
  title: string,
  timeoutMs: number,
  body: (report: FaultReport) => Promise<void>,
): void {
  test(`${id}: ${title}`, { timeout: timeoutMs }, async ({ signal }) => {
    const report = new FaultReport();
    const started = Date.now();
    let error: string | undefined;
    // vitest abandons a test that times out: the report is still written then.
    const aborted = new Promise<never>((_, reject) =>
      signal.addEventListener("abort", () => reject(new Error(`timed out after ${timeoutMs} ms`))),
    );
    aborted.catch(() => undefined); // an abort after the body settled is nobody's concern
    try {
      await Promise.race([body(report), aborted]);
    } catch (err) {
      error = String((err as Error)?.message ?? err).split("\n")[0];
      for (const hook of report.failureHooks) await hook().catch(() => undefined);
      throw err;
    } finally {
      const record: FaultRecord = {
        id,
        title,
        outcome: error === undefined ? "pass" : "fail",
        ...(error !== undefined && { error }),
        did: report.did,
        verified: report.verified,
        counts: report.counts,
        timings: report.timings,
        durationMs: Date.now() - started,
      };
      console.log(formatReport(record));
      const dir = join(artifactsDir(), "faults");
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, `${id}.json`), `${JSON.stringify(record, null, 2)}\n`);
    }
  });
}
