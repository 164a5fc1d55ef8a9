"use client";
// The project's quota as rings: what is used of each limit (instances, vCPUs, RAM, key pairs),
// amber past 80 %, red when full; an unlimited one says so.
import { useQuery } from "@tanstack/react-query";
import { Cell, Pie, PieChart } from "recharts";
import { formatMb } from "../../dashboard/fit";
import { useTRPC } from "../../dashboard/trpc";
import { cn } from "../ui/cn";
import { Card } from "../ui/page";
import { QueryBody } from "../ui/query";

const QUOTAS = [
  { key: "instances", label: "Instances", format: String },
  { key: "cores", label: "vCPUs", format: String },
  { key: "ram", label: "RAM", format: formatMb },
  { key: "keyPairs", label: "Key pairs", format: String },
] as const;

const SIZE = 88;

function tone(used: number, limit: number) {
  if (limit < 0) return "fill-sky-500 text-sky-700 dark:text-sky-300";
  const share = limit === 0 ? 1 : used / limit;
  if (share >= 1) return "fill-rose-500 text-rose-700 dark:text-rose-300";
  if (share >= 0.8) return "fill-amber-500 text-amber-700 dark:text-amber-300";
  return "fill-sky-500 text-sky-700 dark:text-sky-300";
}

function QuotaRing({
  label,
  used,
  limit,
  format,
}: {
  label: string;
  used: number;
  limit: number;
  format: (n: number) => string;
}) {
  const unlimited = limit < 0;
  const left = unlimited ? 0 : Math.max(0, limit - used);
  // An unlimited quota draws an empty ring; a zero limit a full one.
  const data = [
    { name: "used", value: unlimited ? 0 : limit === 0 ? 1 : used },
    { name: "left", value: unlimited ? 1 : left },
  ];
  const summary = unlimited
    ? `${format(used)} used, no limit`
    : `${format(used)} of ${format(limit)} used, ${format(left)} left`;
  const colour = tone(used, limit);
  return (
    <div
      role="meter"
      aria-label={`${label}: ${summary}`}
      aria-valuemin={0}
      aria-valuemax={unlimited ? Math.max(used, 1) : limit}
      aria-valuenow={used}
      className="flex items-center gap-4 p-4"
    >
      <div className="relative shrink-0" aria-hidden>
        <PieChart width={SIZE} height={SIZE}>
          <Pie
            data={data}
            dataKey="value"
            innerRadius={SIZE / 2 - 11}
            outerRadius={SIZE / 2 - 2}
            startAngle={90}
            endAngle={-270}
            stroke="none"
            isAnimationActive={false}
          >
            <Cell className={colour} />
            <Cell className="fill-slate-200 dark:fill-slate-800" />
          </Pie>
        </PieChart>
        <span
          className={cn(
            "absolute inset-0 flex items-center justify-center text-sm font-semibold tabular-nums",
            colour,
          )}
        >
          {unlimited ? "∞" : `${limit === 0 ? 100 : Math.round((used / limit) * 100)}%`}
        </span>
      </div>
      <div className="min-w-0">
        <p className="text-sm font-medium text-slate-600 dark:text-slate-400">{label}</p>
        <p className="mt-0.5 text-2xl font-semibold tracking-tight whitespace-nowrap tabular-nums">
          {format(used)}
        </p>
        <p className="text-xs whitespace-nowrap text-slate-500 tabular-nums dark:text-slate-400">
          {unlimited ? "no limit" : `of ${format(limit)} · ${format(left)} left`}
        </p>
      </div>
    </div>
  );
}

export function QuotaCharts() {
  const trpc = useTRPC();
  const quotas = useQuery(trpc.usage.quotas.queryOptions());

  return (
    <Card title="Quota usage">
      <QueryBody query={quotas} rows={2}>
        {(figures) => (
          <div className="grid grid-cols-1 sm:grid-cols-2 xl:grid-cols-4">
            {QUOTAS.map((q) => (
              <QuotaRing
                key={q.key}
                label={q.label}
                used={figures[q.key].used}
                limit={figures[q.key].limit}
                format={q.format}
              />
            ))}
          </div>
        )}
      </QueryBody>
    </Card>
  );
}
