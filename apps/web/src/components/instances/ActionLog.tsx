"use client";
// The action log of one instance (os-instance-actions): every action with its steps, results and
// timings, the scheduler's explanation under the scheduling step. Pushed instance.action events
// keep it current.
import { useQuery } from "@tanstack/react-query";
import { History } from "lucide-react";
import { actionLabel, actionState, eventLabel } from "../../dashboard/action-state";
import { duration, when } from "../../dashboard/format";
import { errorMessage, useTRPC } from "../../dashboard/trpc";
import { Mono } from "../ui/page";
import { EmptyState, ErrorState, SkeletonRows } from "../ui/states";
import { TaskStateLabel } from "../shell/TaskDrawer";
import { SchedulerExplanation } from "./SchedulerExplanation";

export function ActionLog({ id }: { id: string }) {
  const trpc = useTRPC();
  const actions = useQuery(trpc.servers.actions.queryOptions({ id }));
  if (actions.isPending) return <SkeletonRows rows={4} className="p-0" />;
  if (actions.isError)
    return (
      <ErrorState message={errorMessage(actions.error)} onRetry={() => void actions.refetch()} />
    );
  if (actions.data.length === 0) {
    return <EmptyState icon={<History className="size-5" />} title="No actions yet" />;
  }
  return (
    <ol className="space-y-3" aria-label="Action log">
      {actions.data.map((a) => (
        <li
          key={a.requestId}
          id={a.requestId}
          className="rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900"
        >
          <div className="flex flex-wrap items-center justify-between gap-2 border-b border-slate-100 px-4 py-2.5 dark:border-slate-800">
            <div className="flex flex-wrap items-baseline gap-x-3 gap-y-0.5">
              <span className="font-semibold">{actionLabel(a.action)}</span>
              <time className="text-xs text-slate-500 tabular-nums" dateTime={a.startTime}>
                {when(a.startTime)}
              </time>
              <span className="text-xs text-slate-500">
                request <Mono short>{a.requestId}</Mono>
              </span>
            </div>
            <TaskStateLabel state={actionState(a)} />
          </div>
          {a.events.length > 0 && (
            <ul className="divide-y divide-slate-100 dark:divide-slate-800">
              {a.events.map((e) => (
                <li key={`${e.event}-${e.startTime}`} className="px-4 py-2.5 text-sm">
                  <div className="flex flex-wrap items-baseline justify-between gap-2">
                    <span>
                      {eventLabel(e.event)}
                      {e.host && (
                        <span className="ml-2 text-xs text-slate-500">
                          on <Mono>{e.host}</Mono>
                        </span>
                      )}
                    </span>
                    <span className="text-xs text-slate-500 tabular-nums">
                      {e.result === "Error" ? (
                        <span className="font-medium text-rose-700 dark:text-rose-400">Error</span>
                      ) : e.finishTime ? (
                        "Done"
                      ) : (
                        "Running"
                      )}{" "}
                      · {duration(e.startTime, e.finishTime)}
                    </span>
                  </div>
                  {e.details && (
                    <details className="mt-2" open={e.event.includes("schedule")}>
                      <summary className="cursor-pointer text-xs font-medium text-sky-700 dark:text-sky-400">
                        Why this placement
                      </summary>
                      <div className="mt-2">
                        <SchedulerExplanation details={e.details} />
                      </div>
                    </details>
                  )}
                  {e.traceback && (
                    <details className="mt-2">
                      <summary className="cursor-pointer text-xs font-medium text-rose-700 dark:text-rose-400">
                        Traceback
                      </summary>
                      <pre className="mt-2 max-h-64 overflow-auto rounded bg-slate-50 p-3 text-xs dark:bg-slate-950">
                        {e.traceback}
                      </pre>
                    </details>
                  )}
                </li>
              ))}
            </ul>
          )}
        </li>
      ))}
    </ol>
  );
}
