// The scheduler's explanation of a placement, from a scheduling event's details: how many hosts it
// considered, what each filter removed and why, and the weights of the best hosts.
import { z } from "zod";
import { cn } from "../ui/cn";

// The shape the conductor writes (packages/rpc/src/models/scheduling.ts), read leniently: this is
// display, and an unexpected shape falls back to the raw text.
const explanation = z.object({
  hostsConsidered: z.number(),
  filters: z.array(
    z.object({
      name: z.string(),
      before: z.number(),
      after: z.number(),
      removed: z.array(z.object({ host: z.string(), reason: z.string() })),
    }),
  ),
  weighed: z.array(
    z.object({ host: z.string(), weight: z.number(), weights: z.record(z.string(), z.number()) }),
  ),
});

export function parseExplanation(details: string | null) {
  if (!details) return null;
  try {
    const parsed = explanation.safeParse(JSON.parse(details));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

const hosts = (n: number) => `${n} host${n === 1 ? "" : "s"}`;

export function SchedulerExplanation({ details }: { details: string }) {
  const e = parseExplanation(details);
  if (!e) {
    return (
      <pre className="overflow-x-auto rounded bg-slate-50 p-3 text-xs dark:bg-slate-950">
        {details}
      </pre>
    );
  }
  const chosen = e.weighed[0];
  return (
    <div className="space-y-3 text-sm" data-testid="scheduler-explanation">
      <p>
        The scheduler considered <strong>{hosts(e.hostsConsidered)}</strong>
        {chosen ? (
          <>
            {" "}
            and chose <span className="font-mono">{chosen.host}</span>.
          </>
        ) : (
          <>, and none was left: no valid host.</>
        )}
      </p>
      <ol className="space-y-1.5">
        {e.filters.map((f) => {
          const removed = f.before - f.after;
          return (
            <li key={f.name} className="flex flex-wrap items-baseline gap-x-2">
              <span className="font-mono text-xs">{f.name}</span>
              <span
                className={cn(
                  "text-xs tabular-nums",
                  removed > 0 ? "text-amber-700 dark:text-amber-400" : "text-slate-500",
                )}
              >
                {f.before} → {f.after}
                {removed > 0 ? ` (removed ${hosts(removed)})` : ""}
              </span>
              {f.removed.length > 0 && (
                <ul className="w-full pl-4 text-xs text-slate-600 dark:text-slate-400">
                  {f.removed.map((r) => (
                    <li key={r.host}>
                      <span className="font-mono">{r.host}</span>: {r.reason}
                    </li>
                  ))}
                  {removed > f.removed.length && <li>… and {removed - f.removed.length} more</li>}
                </ul>
              )}
            </li>
          );
        })}
      </ol>
      {e.weighed.length > 0 && (
        <div className="overflow-x-auto">
          <table className="text-xs tabular-nums" aria-label="Weights of the best hosts">
            <thead className="text-slate-500">
              <tr>
                <th className="py-1 pr-4 text-left font-medium">Host</th>
                <th className="py-1 pr-4 text-right font-medium">Weight</th>
                {Object.keys(e.weighed[0]!.weights).map((w) => (
                  <th key={w} className="py-1 pr-4 text-right font-medium">
                    {w}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {e.weighed.map((h, i) => (
                <tr key={h.host} className={cn(i === 0 && "font-semibold")}>
                  <td className="py-0.5 pr-4 font-mono">{h.host}</td>
                  <td className="py-0.5 pr-4 text-right">{h.weight.toFixed(3)}</td>
                  {Object.keys(e.weighed[0]!.weights).map((w) => (
                    <td key={w} className="py-0.5 pr-4 text-right">
                      {h.weights[w]?.toFixed(3) ?? "—"}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
