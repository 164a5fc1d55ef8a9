// The shape of one benchmark (bench/benchmarks/<id>.ts) as the runner (bench/main.ts) sees it.
import type { RunningCloud } from "./cloud";
import type { Window } from "./profile";
import type { Result } from "./report";

export interface BenchContext {
  /** the cloud given on the command line; unset: the benchmark starts a stack of its own */
  running?: RunningCloud;
  /** --profile: the stack's processes write CPU profiles here (pass it to ownCloud) */
  profileDir?: string;
}

export type Outcome = Pick<Result, "method" | "rows" | "data"> & {
  /** the measured part of the run, for --profile to look at that and nothing else */
  window?: Window;
};

export interface Benchmark {
  id: string;
  title: string;
  /** whether it can measure a running cloud (--url), or always needs a stack of its own */
  runsAgainstUrl: boolean;
  run(ctx: BenchContext): Promise<Outcome>;
}
