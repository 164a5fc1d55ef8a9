// Turning the scheduler's explanation into the few words a user reads in a server's fault.
import type { Explanation } from "@nimbus/rpc";

/** instance_faults.message is 255 characters. */
export const MAX_FAULT_MESSAGE = 255;

export const NO_VALID_HOST = "No valid host was found.";

export function truncateMessage(message: string, max = MAX_FAULT_MESSAGE): string {
  return message.length > max ? `${message.slice(0, max - 1)}…` : message;
}

/** "RamFilter removed 2 hosts (needs 4096 MB of RAM; …); ComputeFilter removed 1 host (…)". */
export function summarizeExplanation(explanation: Explanation): string {
  if (explanation.hostsConsidered === 0) return "There are no compute hosts.";
  const parts = explanation.filters
    .filter((f) => f.before > f.after)
    .map((f) => {
      const n = f.before - f.after;
      const reason = mostCommon(f.removed.map((r) => r.reason));
      return `${f.name} removed ${n} host${n === 1 ? "" : "s"}${reason ? ` (${reason})` : ""}`;
    });
  return parts.length > 0 ? `${parts.join("; ")}.` : "";
}

/** The fault message for a build no host could take. */
export function noValidHostMessage(explanation: Explanation | null, extra?: string): string {
  const summary = explanation ? summarizeExplanation(explanation) : "";
  return truncateMessage([NO_VALID_HOST, summary, extra].filter(Boolean).join(" "));
}

/**
 * A no-valid-host fault for a build that had already failed on a host: it also says why, since "the
 * filters removed the host it failed on" alone hides the cause ("…; the last attempt failed on
 * node-q: image API unreachable: …"). To fit the column, the filters' reasons in parentheses go
 * first, then the end of the message.
 */
export function withLastFailure(
  message: string,
  lastFailure: { host: string; reason: string } | undefined,
): string {
  if (!lastFailure) return message;
  const clause = `the last attempt failed on ${lastFailure.host}: ${lastFailure.reason}`;
  const join = (m: string) => {
    const body = m.trim().replace(/\.$/, "");
    return body === NO_VALID_HOST.slice(0, -1)
      ? `${NO_VALID_HOST} T${clause.slice(1)}.`
      : `${body}; ${clause}.`;
  };
  const full = join(message);
  if (full.length <= MAX_FAULT_MESSAGE) return full;
  return truncateMessage(join(message.replace(/ \([^()]*\)/g, "")));
}

/** instance_action_events.details is a TEXT column: 65,535 bytes. */
export const MAX_EVENT_DETAILS_BYTES = 65_535;

/**
 * The explanation as JSON for an event's details, fitting the column: when it does not, the lists
 * of removed hosts are cut (their counts, `before` and `after`, stay exact).
 */
export function explanationDetails(
  explanation: Explanation,
  maxBytes = MAX_EVENT_DETAILS_BYTES,
): string {
  let json = JSON.stringify(explanation);
  for (
    let keep = 20;
    Buffer.byteLength(json) > maxBytes && keep >= 0;
    keep = keep > 0 ? Math.floor(keep / 2) : -1
  ) {
    json = JSON.stringify({
      ...explanation,
      filters: explanation.filters.map((f) => ({ ...f, removed: f.removed.slice(0, keep) })),
    });
  }
  if (Buffer.byteLength(json) > maxBytes) {
    json = JSON.stringify({
      ...explanation,
      filters: explanation.filters.map((f) => ({ ...f, removed: [] })),
      weighed: [],
    });
  }
  return json;
}

function mostCommon(values: string[]): string | undefined {
  const counts = new Map<string, number>();
  let best: string | undefined;
  for (const v of values) {
    const c = (counts.get(v) ?? 0) + 1;
    counts.set(v, c);
    if (best === undefined || c > counts.get(best)!) best = v;
  }
  return best;
}
