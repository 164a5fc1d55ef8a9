// Bars for usage and progress. A usage bar shows what is used now and, lighter, what a request adds.
import { cn } from "./cn";

const clamp = (n: number) => Math.max(0, Math.min(100, n));

export function ProgressBar({
  value,
  max = 100,
  label,
  className,
}: {
  value: number;
  max?: number;
  label: string;
  className?: string;
}) {
  const pct = max > 0 ? clamp((value / max) * 100) : 0;
  return (
    <div
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={max}
      aria-valuenow={value}
      className={cn(
        "h-1.5 w-full overflow-hidden rounded-full bg-slate-200 dark:bg-slate-800",
        className,
      )}
    >
      <div
        className="h-full rounded-full bg-sky-500 transition-[width]"
        style={{ width: `${pct}%` }}
      />
    </div>
  );
}

/** `used` now, `adding` on top; over the limit shows red. A limit below 0 is unlimited. */
export function UsageBar({
  label,
  used,
  adding,
  limit,
  format = String,
}: {
  label: string;
  used: number;
  adding: number;
  limit: number;
  format?: (n: number) => string;
}) {
  const unlimited = limit < 0;
  const after = used + adding;
  const over = !unlimited && after > limit;
  const scale = unlimited ? Math.max(after, 1) : Math.max(limit, after, 1);
  const usedPct = clamp((used / scale) * 100);
  const addPct = clamp((adding / scale) * 100);
  return (
    <div>
      <div className="flex items-baseline justify-between gap-2 text-sm">
        <span className="font-medium">{label}</span>
        <span
          className={cn(
            "tabular-nums",
            over
              ? "font-medium text-rose-700 dark:text-rose-400"
              : "text-slate-600 dark:text-slate-400",
          )}
        >
          {format(used)} → {format(after)} of {unlimited ? "unlimited" : format(limit)}
        </span>
      </div>
      <div
        role="meter"
        aria-label={`${label}: ${format(used)} used, ${format(after)} after launch, of ${unlimited ? "unlimited" : format(limit)}`}
        aria-valuemin={0}
        aria-valuemax={unlimited ? after : limit}
        aria-valuenow={after}
        className="mt-1.5 flex h-2 w-full overflow-hidden rounded-full bg-slate-200 dark:bg-slate-800"
      >
        <div className="h-full bg-slate-500 dark:bg-slate-400" style={{ width: `${usedPct}%` }} />
        <div
          className={cn("h-full", over ? "bg-rose-500" : "bg-sky-500")}
          style={{ width: `${addPct}%` }}
        />
      </div>
    </div>
  );
}
