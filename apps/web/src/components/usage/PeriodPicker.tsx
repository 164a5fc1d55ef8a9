"use client";
// The period a usage report covers, as a segmented control (a radio group: arrow keys move).
import type { Period } from "../../trpc/routers/usage/usage.schema";
import { cn } from "../ui/cn";

export const PERIOD_LABELS: Record<Period, string> = {
  "24h": "Last 24 hours",
  "7d": "Last 7 days",
  "30d": "Last 30 days",
};

export function PeriodPicker({
  value,
  onChange,
}: {
  value: Period;
  onChange: (p: Period) => void;
}) {
  return (
    <fieldset className="inline-flex rounded-md border border-slate-300 p-0.5 shadow-sm dark:border-slate-700">
      <legend className="sr-only">Period</legend>
      {(Object.keys(PERIOD_LABELS) as Period[]).map((p) => (
        <label
          key={p}
          className={cn(
            "cursor-pointer rounded px-2.5 py-1 text-xs font-medium whitespace-nowrap has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-sky-500",
            value === p
              ? "bg-slate-900 text-white dark:bg-slate-100 dark:text-slate-900"
              : "text-slate-600 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800",
          )}
        >
          <input
            type="radio"
            name="usage-period"
            value={p}
            checked={value === p}
            onChange={() => onChange(p)}
            className="sr-only"
          />
          {PERIOD_LABELS[p]}
        </label>
      ))}
    </fieldset>
  );
}
