// select_destinations: for each instance of a request, filter the hosts, weigh the ones left, pick
// the best (or one of the best N), account for it, and keep alternates for rescheduling. Each
// decision carries its explanation: the hosts every filter removed and why, and the final weights.
//
// This runs for every build, over every host, so the loop is written to be cheap: filters compact
// one array in place, weights go into reused typed arrays, and only the best few hosts are sorted.
import {
  RpcError,
  type Explanation,
  type HostChoice,
  type JsonValue,
  type RequestSpec,
} from "@nimbus/rpc";
import type { HostFilter } from "./filters";
import type { HostState, HostView } from "./host-state";
import { prepareSpec, type PreparedSpec } from "./request";
import { normalize, type HostWeigher } from "./weighers";

/** Removed hosts listed per filter (the counts stay exact): keeps an explanation small. */
export const MAX_REMOVED_LISTED = 50;
/** The explanation contract's bound on a reason (a group's member list can be long). */
const MAX_REASON = 500;
/** Hosts listed with their weights in an explanation. */
export const WEIGHED_LISTED = 10;
/** Nova's instance_faults.message is 255 characters, and the summary ends up there. */
const MAX_MESSAGE = 255;

/**
 * A forced host and the hosts a reschedule must avoid narrow the list before any configured filter
 * (as Nova's force_hosts and ignore_hosts do), and appear in the explanation when they apply.
 */
const pinned: readonly HostFilter[] = [
  {
    name: "ForceHost",
    summary: "not the requested host",
    appliesTo: (spec) => spec.forceHost !== null,
    hostPasses: (host, spec) =>
      host.host === spec.forceHost ? true : `not the requested host ${spec.forceHost}`,
  },
  {
    name: "IgnoreHosts",
    summary: "this build failed on them before",
    appliesTo: (spec) => spec.ignoreHosts.size > 0,
    hostPasses: (host, spec) =>
      spec.ignoreHosts.has(host.host) ? "this build failed on it before" : true,
  },
];

export interface SelectorOptions {
  filters: readonly HostFilter[];
  weighers: readonly { weigher: HostWeigher; multiplier: number }[];
  /** 1: the best host; N > 1: one of the best N at random (Nova's host_subset_size) */
  hostSubsetSize: number;
  /** for tests of host_subset_size */
  random?: () => number;
}

export interface SelectRequest {
  spec: RequestSpec;
  alternates: number;
}

export interface SelectReply {
  selections: { instanceUuid: string; hosts: HostChoice[] }[];
  explanation: Explanation;
}

type FilterStep = Explanation["filters"][number];

/** A filter's step, with the filter's few words for the no-valid-host message. */
interface Step extends FilterStep {
  summary: string;
}

export type Selector = (view: HostView, request: SelectRequest) => SelectReply;

export function createSelector(options: SelectorOptions): Selector {
  const filters = options.filters;
  const weighers = options.weighers.filter((w) => w.multiplier !== 0);
  const subsetSize = options.hostSubsetSize;
  const random = options.random ?? Math.random;

  // Reused across requests (the selector is synchronous, so one request at a time uses them).
  let candidates: HostState[] = [];
  let totals = new Float64Array(0);
  let raw = weighers.map(() => new Float64Array(0));
  const ensureCapacity = (n: number) => {
    if (totals.length >= n) return;
    const size = Math.max(n, totals.length * 2, 64);
    totals = new Float64Array(size);
    raw = weighers.map(() => new Float64Array(size));
    candidates = new Array<HostState>(size);
  };

  /** Narrow `candidates[0..n)` with each filter in turn; the steps say who removed what. */
  function runFilters(all: readonly HostState[], spec: PreparedSpec, steps: Step[]): number {
    let n = all.length;
    for (let i = 0; i < n; i++) candidates[i] = all[i]!;
    for (const filter of pinned) {
      if (filter.appliesTo!(spec)) n = runFilter(filter, spec, n, steps);
    }
    for (const filter of filters) {
      if (n === 0) break; // as in Nova: nothing left to filter
      if (filter.appliesTo === undefined || filter.appliesTo(spec)) {
        n = runFilter(filter, spec, n, steps);
      } else steps.push(step(filter, n, n, []));
    }
    return n;
  }

  function runFilter(filter: HostFilter, spec: PreparedSpec, n: number, steps: Step[]): number {
    const removed: FilterStep["removed"] = [];
    let kept = 0;
    for (let i = 0; i < n; i++) {
      const h = candidates[i]!;
      const verdict = filter.hostPasses(h, spec);
      if (verdict === true) candidates[kept++] = h;
      else if (removed.length < MAX_REMOVED_LISTED) {
        removed.push({ host: h.host, reason: clip(verdict, MAX_REASON) });
      }
    }
    steps.push(step(filter, n, kept, removed));
    return kept;
  }

  /** totals[i] = Σ multiplier × normalized weight; the weighers' raw numbers stay for the explanation. */
  function weigh(
    n: number,
    spec: PreparedSpec,
    active: boolean[],
    mins: number[],
    maxes: number[],
  ) {
    totals.fill(0, 0, n);
    for (let w = 0; w < weighers.length; w++) {
      const { weigher, multiplier } = weighers[w]!;
      active[w] = weigher.appliesTo === undefined || weigher.appliesTo(spec);
      if (!active[w]) continue;
      const values = raw[w]!;
      let min = Infinity;
      let max = -Infinity;
      for (let i = 0; i < n; i++) {
        const v = weigher.weigh(candidates[i]!, spec);
        values[i] = v;
        if (v < min) min = v;
        if (v > max) max = v;
      }
      mins[w] = min;
      maxes[w] = max;
      // normalize() inlined: all equal → all 0, else (v − min) / (max − min)
      if (max === min) continue;
      const scale = multiplier / (max - min);
      for (let i = 0; i < n; i++) totals[i] = totals[i]! + (values[i]! - min) * scale;
    }
  }

  /** Heavier first; equal weights by host then node name, so a tie always goes the same way. */
  function better(a: number, b: number): boolean {
    const ta = totals[a]!;
    const tb = totals[b]!;
    if (ta !== tb) return ta > tb;
    const ha = candidates[a]!;
    const hb = candidates[b]!;
    if (ha.host !== hb.host) return ha.host < hb.host;
    return ha.nodeName < hb.nodeName;
  }

  /** The indices of the best `k` candidates, best first, without sorting the rest. */
  function best(n: number, k: number): number[] {
    const top: number[] = [];
    for (let i = 0; i < n; i++) {
      let j: number;
      if (top.length < k) {
        j = top.length;
        top.push(i);
      } else if (better(i, top[k - 1]!)) {
        j = k - 1;
        top[j] = i;
      } else continue;
      while (j > 0 && better(i, top[j - 1]!)) {
        top[j] = top[j - 1]!;
        top[j - 1] = i;
        j--;
      }
    }
    return top;
  }

  function weighed(i: number, active: boolean[], mins: number[], maxes: number[]) {
    const weights: Record<string, number> = {};
    for (let w = 0; w < weighers.length; w++) {
      if (!active[w]) continue;
      const { weigher, multiplier } = weighers[w]!;
      weights[weigher.name] = round(multiplier * normalize(raw[w]![i]!, mins[w]!, maxes[w]!));
    }
    return { host: candidates[i]!.host, weight: round(totals[i]!), weights };
  }

  return function select(view, request) {
    const spec = prepareSpec(request.spec);
    const uuids = request.spec.instanceUuids;
    const all = view.hosts();
    ensureCapacity(all.length);
    const active = weighers.map(() => false);
    const mins = weighers.map(() => 0);
    const maxes = weighers.map(() => 0);
    const placed: HostState[] = [];
    const selections: SelectReply["selections"] = [];
    let explanation: Explanation | undefined;

    for (let k = 0; k < uuids.length; k++) {
      const steps: Step[] = [];
      const n = runFilters(all, spec, steps);
      if (n === 0) {
        for (const h of placed) h.release(spec.requested);
        throw noValidHost(all.length, steps, k, uuids.length);
      }
      weigh(n, spec, active, mins, maxes);
      const explain = k === 0;
      const want = subsetSize + request.alternates;
      const top = best(n, explain ? Math.max(want, WEIGHED_LISTED) : want);

      const subset = Math.min(subsetSize, top.length);
      const pick = subset > 1 ? Math.floor(random() * subset) : 0;
      const chosen = candidates[top[pick]!]!;
      const hosts: HostChoice[] = [choice(chosen)];
      const used = new Set([chosen.host]);
      for (let i = 0; i < top.length && hosts.length <= request.alternates; i++) {
        const h = candidates[top[i]!]!;
        if (used.has(h.host)) continue;
        used.add(h.host);
        hosts.push(choice(h));
      }
      if (explain) {
        explanation = {
          hostsConsidered: all.length,
          filters: steps.map(stripSummary),
          weighed: top.slice(0, WEIGHED_LISTED).map((i) => weighed(i, active, mins, maxes)),
        };
      }

      chosen.consume(spec.requested);
      placed.push(chosen);
      spec.group?.add(chosen.host);
      selections.push({ instanceUuid: uuids[k]!, hosts });
    }
    return { selections, explanation: explanation! };
  };
}

function step(
  filter: HostFilter,
  before: number,
  after: number,
  removed: FilterStep["removed"],
): Step {
  return { name: filter.name, summary: filter.summary, before, after, removed };
}

function stripSummary({ summary: _, ...rest }: Step): FilterStep {
  return rest;
}

function choice(h: HostState): HostChoice {
  return { host: h.host, node: h.nodeName, nodeId: h.nodeId };
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/**
 * "No valid host was found. " and which steps removed how many hosts, in a few words each — what a
 * user sees in the server's fault. The full explanation goes in the error's details.
 */
function noValidHost(
  hostsConsidered: number,
  steps: Step[],
  index: number,
  count: number,
): RpcError {
  const parts = steps
    .filter((s) => s.before > s.after)
    .map((s) => {
      const n = s.before - s.after;
      return `${s.name} removed ${n} host${n === 1 ? "" : "s"} (${s.summary})`;
    });
  let message = "No valid host was found. ";
  if (index > 0) message += `Only ${index} of ${count} instances fit. `;
  message += hostsConsidered === 0 ? "There are no compute hosts." : `${parts.join("; ")}.`;
  message = clip(message, MAX_MESSAGE);
  const explanation: Explanation = {
    hostsConsidered,
    filters: steps.map(stripSummary),
    weighed: [],
  };
  return new RpcError("no_valid_host", message, explanation as unknown as JsonValue);
}
