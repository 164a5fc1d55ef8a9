"use client";
// Admin › Usage: every project's simple-tenant-usage totals over a period, sortable by any column,
// with the cloud's totals above.
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { Activity } from "lucide-react";
import { useMemo, useState } from "react";
import { useTRPC } from "../../dashboard/trpc";
import { addTo, emptyTotals, type Period } from "../../trpc/routers/usage/usage.schema";
import { Card, Mono, PageHeader } from "../ui/page";
import { QueryBody } from "../ui/query";
import { EmptyState } from "../ui/states";
import { SortableTH, Table, TD, THead, TR } from "../ui/table";
import { hours, TOTALS } from "./format";
import { PERIOD_LABELS, PeriodPicker } from "./PeriodPicker";
import { UsageTotals } from "./UsageTotals";

type SortKey = "project" | "servers" | (typeof TOTALS)[number]["key"];

export function UsagePage() {
  const trpc = useTRPC();
  const [period, setPeriod] = useState<Period>("30d");
  const [sort, setSort] = useState<{ key: SortKey; dir: "asc" | "desc" }>({
    key: "vcpuHours",
    dir: "desc",
  });
  const usage = useQuery({
    ...trpc.usage.all.queryOptions({ period }),
    placeholderData: keepPreviousData,
  });

  const rows = useMemo(() => {
    const projects = usage.data?.projects ?? [];
    const value = (p: (typeof projects)[number]) =>
      sort.key === "project" ? (p.projectName ?? p.projectId) : p[sort.key];
    return [...projects].sort((a, b) => {
      const [x, y] = [value(a), value(b)];
      const order = typeof x === "string" ? x.localeCompare(y as string) : x - (y as number);
      return sort.dir === "asc" ? order : -order;
    });
  }, [usage.data, sort]);
  const totals = useMemo(() => {
    const t = emptyTotals();
    for (const p of usage.data?.projects ?? []) addTo(t, p);
    return t;
  }, [usage.data]);

  const header = (key: SortKey, label: string, numeric = true) => (
    <SortableTH
      key={key}
      active={sort.key === key}
      dir={sort.dir}
      className={numeric ? "text-right" : undefined}
      onSort={() =>
        setSort((s) =>
          s.key === key
            ? { key, dir: s.dir === "asc" ? "desc" : "asc" }
            : { key, dir: numeric ? "desc" : "asc" },
        )
      }
    >
      {label}
    </SortableTH>
  );

  return (
    <>
      <PageHeader
        title="Usage across projects"
        description="What each project's instances ran in the period, deleted ones included."
        actions={<PeriodPicker value={period} onChange={setPeriod} />}
      />
      <Card>
        <QueryBody query={usage} rows={5}>
          {(report) => (
            <div aria-busy={usage.isFetching || undefined}>
              <UsageTotals totals={totals} />
              {rows.length === 0 ? (
                <EmptyState icon={<Activity className="size-5" />} title="Nothing ran">
                  No instance ran in the {PERIOD_LABELS[period].toLowerCase()}.
                </EmptyState>
              ) : (
                <Table
                  label="Usage by project"
                  className="border-t border-slate-200 dark:border-slate-800"
                >
                  <THead>
                    <tr>
                      {header("project", "Project", false)}
                      {header("servers", "Instances")}
                      {TOTALS.map((t) => header(t.key, t.label))}
                    </tr>
                  </THead>
                  <tbody>
                    {rows.map((p) => (
                      <TR key={p.projectId}>
                        <TD className="max-w-64">
                          <div className="truncate font-medium">
                            {p.projectName ?? <span className="text-slate-500">(deleted)</span>}
                          </div>
                          <div className="text-xs text-slate-500 dark:text-slate-400">
                            <Mono short>{p.projectId}</Mono>
                          </div>
                        </TD>
                        <TD className="text-right">{p.servers}</TD>
                        {TOTALS.map((t) => (
                          <TD key={t.key} className="text-right whitespace-nowrap">
                            {hours(p[t.key])}
                          </TD>
                        ))}
                      </TR>
                    ))}
                  </tbody>
                </Table>
              )}
              {!report.complete && (
                <p className="border-t border-slate-200 px-4 py-2 text-xs text-slate-500 dark:border-slate-800 dark:text-slate-400">
                  Only the first instances are counted; the cloud ran more in this period.
                </p>
              )}
            </div>
          )}
        </QueryBody>
      </Card>
    </>
  );
}
