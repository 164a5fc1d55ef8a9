// What every benchmark hands back: rows of target vs measured, the method in words, the raw
// figures. Printed as a table and written as JSON to bench/results/<id>-<timestamp>.json.
import { mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { Machine } from "./machine";

export interface Row {
  metric: string;
  /** e.g. "≤ 50 ms"; empty for figures shown for context only */
  target: string;
  measured: string;
  /** null: no target for this row */
  pass: boolean | null;
}

export interface Result {
  id: string;
  title: string;
  machine: Machine;
  startedAt: string;
  finishedAt: string;
  /** how it was measured, one sentence each (also printed) */
  method: string[];
  rows: Row[];
  /** the raw figures (latencies, rates, sizes) for later analysis */
  data: Record<string, unknown>;
}

export const RESULTS_DIR = resolve(import.meta.dirname, "../results");

/** p in 0..100 over already sorted values (nearest rank). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export interface Summary {
  n: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

export function summarize(values: readonly number[]): Summary {
  const s = [...values].sort((a, b) => a - b);
  const round = (x: number) => Math.round(x * 100) / 100;
  return {
    n: s.length,
    p50: round(percentile(s, 50)),
    p90: round(percentile(s, 90)),
    p95: round(percentile(s, 95)),
    p99: round(percentile(s, 99)),
    max: round(s.at(-1) ?? Number.NaN),
    mean: round(s.reduce((a, b) => a + b, 0) / (s.length || 1)),
  };
}

export const ms = (x: number) => `${x.toFixed(1)} ms`;

/** A row whose target is an upper bound. */
export function atMost(metric: string, measured: number, limit: number, unit = "ms"): Row {
  return {
    metric,
    target: `≤ ${limit} ${unit}`,
    measured: `${measured.toFixed(1)} ${unit}`,
    pass: measured <= limit,
  };
}

/** A row whose target is a lower bound. */
export function atLeast(metric: string, measured: number, limit: number, unit: string): Row {
  return {
    metric,
    target: `≥ ${limit} ${unit}`,
    measured: `${measured.toFixed(1)} ${unit}`,
    pass: measured >= limit,
  };
}

export const info = (metric: string, measured: string): Row => ({
  metric,
  target: "",
  measured,
  pass: null,
});

export function printResult(r: Result): void {
  console.log(`\n${r.id} — ${r.title}`);
  for (const m of r.method) console.log(`  · ${m}`);
  const width = (f: (row: Row) => string) => Math.max(...r.rows.map((row) => f(row).length));
  const wm = width((row) => row.metric);
  const wt = Math.max(
    6,
    width((row) => row.target),
  );
  console.log(`  ${"metric".padEnd(wm)}  ${"target".padEnd(wt)}  ${"".padEnd(4)}  measured`);
  for (const row of r.rows) {
    const verdict = row.pass === null ? "" : row.pass ? "pass" : "MISS";
    console.log(
      `  ${row.metric.padEnd(wm)}  ${row.target.padEnd(wt)}  ${verdict.padEnd(4)}  ${row.measured}`,
    );
  }
}

export async function writeResult(r: Result): Promise<string> {
  await mkdir(RESULTS_DIR, { recursive: true });
  const stamp = r.startedAt.replace(/[:.]/g, "-");
  const path = join(RESULTS_DIR, `${r.id}-${stamp}.json`);
  await writeFile(path, `${JSON.stringify(r, null, 2)}\n`);
  return path;
}
