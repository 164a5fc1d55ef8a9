"use client";
// What the project's servers used over a chosen period (simple-tenant-usage): the totals, and a
// row per server that ran in it, deleted ones included.
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { Activity } from "lucide-react";
import Link from "next/link";
import { useState } from "react";
import { useTRPC } from "../../dashboard/trpc";
import type { Period } from "../../trpc/routers/usage/usage.schema";
import { Badge } from "../ui/badge";
import { Card } from "../ui/page";
import { QueryBody } from "../ui/query";
import { EmptyState } from "../ui/states";
import { Table, TD, TH, THead, TR } from "../ui/table";
import { hours } from "../usage/format";
import { PERIOD_LABELS, PeriodPicker } from "../usage/PeriodPicker";
import { UsageTotals } from "../usage/UsageTotals";

const NUM = "text-right whitespace-nowrap";

export function ProjectUsage() {
  const trpc = useTRPC();
  const [period, setPeriod] = useState<Period>("24h");
  const usage = useQuery({
    ...trpc.usage.project.queryOptions({ period }),
    placeholderData: keepPreviousData,
  });

  return (
    <Card title="Usage" actions={<PeriodPicker value={period} onChange={setPeriod} />}>
      <QueryBody query={usage}>
        {(report) => (
          <div aria-busy={usage.isFetching || undefined}>
            <UsageTotals totals={report.totals} />
            {report.servers.length === 0 ? (
              <EmptyState icon={<Activity className="size-5" />} title="Nothing ran">
                No instance of this project ran in the {PERIOD_LABELS[period].toLowerCase()}.
              </EmptyState>
            ) : (
              <Table
                label="Usage by instance"
                className="border-t border-slate-200 dark:border-slate-800"
              >
                <THead>
                  <tr>
                    <TH>Instance</TH>
                    <TH>Flavor</TH>
                    <TH>State</TH>
                    <TH className={NUM}>Hours</TH>
                    <TH className={NUM}>vCPU·h</TH>
                    <TH className={NUM}>RAM GB·h</TH>
                    <TH className={NUM}>Disk GB·h</TH>
                  </tr>
                </THead>
                <tbody>
                  {report.servers.map((s) => (
                    <TR key={s.id}>
                      <TD className="max-w-64 truncate font-medium">
                        {s.state === "terminated" ? (
                          s.name
                        ) : (
                          <Link
                            href={`/project/instances/${s.id}`}
                            className="text-sky-700 hover:underline dark:text-sky-400"
                          >
                            {s.name}
                          </Link>
                        )}
                      </TD>
                      <TD className="whitespace-nowrap">{s.flavor}</TD>
                      <TD>
                        <Badge tone={s.state === "terminated" ? "neutral" : "success"}>
                          {s.state}
                        </Badge>
                      </TD>
                      <TD className={NUM}>{hours(s.instanceHours)}</TD>
                      <TD className={NUM}>{hours(s.vcpuHours)}</TD>
                      <TD className={NUM}>{hours(s.ramGbHours)}</TD>
                      <TD className={NUM}>{hours(s.diskGbHours)}</TD>
                    </TR>
                  ))}
                </tbody>
              </Table>
            )}
            {!report.complete && (
              <p className="border-t border-slate-200 px-4 py-2 text-xs text-slate-500 dark:border-slate-800 dark:text-slate-400">
                Only the first {report.servers.length} instances are counted.
              </p>
            )}
          </div>
        )}
      </QueryBody>
    </Card>
  );
}
