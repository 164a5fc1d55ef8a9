// A usage report's four totals as figures side by side.
import type { Totals } from "../../trpc/routers/usage/usage.schema";
import { hours, TOTALS } from "./format";

export function UsageTotals({ totals }: { totals: Totals }) {
  return (
    <dl className="grid grid-cols-2 gap-px bg-slate-200 lg:grid-cols-4 dark:bg-slate-800">
      {TOTALS.map((t) => (
        <div key={t.key} className="bg-white px-4 py-3 dark:bg-slate-900">
          <dt className="text-xs font-medium text-slate-500 dark:text-slate-400">{t.label}</dt>
          <dd className="mt-1 text-xl font-semibold tracking-tight tabular-nums">
            {hours(totals[t.key])}
            <span className="ml-1 text-xs font-normal text-slate-500 dark:text-slate-400">
              {t.unit}
            </span>
          </dd>
        </div>
      ))}
    </dl>
  );
}
