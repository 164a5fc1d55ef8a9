"use client";
// The task drawer: the project's recent actions with their progress and result, like a task log.
// Loaded once with the page (the top bar counts the running ones), then kept current by pushed
// instance.action events.
import { useQuery } from "@tanstack/react-query";
import { CheckCircle2, ListChecks, Loader2, XCircle } from "lucide-react";
import Link from "next/link";
import { createContext, useContext, useState, type ReactNode } from "react";
import { actionLabel, actionState, type ActionState } from "../../dashboard/action-state";
import { ago, duration } from "../../dashboard/format";
import { errorMessage, useTRPC } from "../../dashboard/trpc";
import type { ActionView } from "../../trpc/routers/servers/views";
import { Sheet } from "../ui/dialog";
import { EmptyState, ErrorState, SkeletonRows } from "../ui/states";
import { cn } from "../ui/cn";

const DrawerContext = createContext<{ open: boolean; setOpen: (open: boolean) => void }>({
  open: false,
  setOpen: () => {},
});

export function TaskDrawerProvider({ children }: { children: ReactNode }) {
  const [open, setOpen] = useState(false);
  return <DrawerContext.Provider value={{ open, setOpen }}>{children}</DrawerContext.Provider>;
}

export const useTaskDrawer = () => useContext(DrawerContext);

const STATE: Record<ActionState, { icon: ReactNode; text: string; className: string }> = {
  running: {
    icon: <Loader2 className="size-4 animate-spin" aria-hidden />,
    text: "Running",
    className: "text-sky-700 dark:text-sky-400",
  },
  succeeded: {
    icon: <CheckCircle2 className="size-4" aria-hidden />,
    text: "Succeeded",
    className: "text-emerald-700 dark:text-emerald-400",
  },
  failed: {
    icon: <XCircle className="size-4" aria-hidden />,
    text: "Failed",
    className: "text-rose-700 dark:text-rose-400",
  },
};

export function TaskStateLabel({ state }: { state: ActionState }) {
  const s = STATE[state];
  return (
    <span className={cn("inline-flex items-center gap-1 text-xs font-medium", s.className)}>
      {s.icon}
      {s.text}
    </span>
  );
}

function TaskRow({ task, onOpen }: { task: ActionView; onOpen: () => void }) {
  const state = actionState(task);
  return (
    <li>
      <Link
        href={`/project/instances/${task.instanceId}?tab=actions`}
        onClick={onOpen}
        className="block px-5 py-3 hover:bg-slate-50 focus-visible:bg-slate-50 focus-visible:outline-none dark:hover:bg-slate-800/50 dark:focus-visible:bg-slate-800/50"
      >
        <div className="flex items-center justify-between gap-3">
          <span className="truncate text-sm font-medium">
            {actionLabel(task.action)}{" "}
            <span className="font-normal text-slate-500 dark:text-slate-400">
              {task.instanceName ?? task.instanceId.slice(0, 8)}
            </span>
          </span>
          <TaskStateLabel state={state} />
        </div>
        <div className="mt-0.5 flex gap-3 text-xs text-slate-500 tabular-nums dark:text-slate-400">
          <time dateTime={task.startTime}>{ago(task.startTime)}</time>
          <span>
            {state === "running" ? "for" : "took"} {duration(task.startTime, task.finishTime)}
          </span>
        </div>
      </Link>
    </li>
  );
}

export function TaskDrawer() {
  const { open, setOpen } = useTaskDrawer();
  const trpc = useTRPC();
  const tasks = useQuery(trpc.tasks.recent.queryOptions({ limit: 30 }));
  return (
    <Sheet
      open={open}
      onOpenChange={setOpen}
      title="Recent tasks"
      description="Actions on this project's instances in the last day."
    >
      {tasks.isPending && <SkeletonRows rows={6} />}
      {tasks.isError && (
        <div className="p-5">
          <ErrorState message={errorMessage(tasks.error)} onRetry={() => void tasks.refetch()} />
        </div>
      )}
      {tasks.data?.length === 0 && (
        <EmptyState icon={<ListChecks className="size-5" />} title="No recent tasks">
          Launching, stopping or deleting an instance shows up here as it happens.
        </EmptyState>
      )}
      {tasks.data && tasks.data.length > 0 && (
        <ul className="divide-y divide-slate-100 dark:divide-slate-800">
          {tasks.data.map((t) => (
            <TaskRow
              key={`${t.instanceId}/${t.requestId}`}
              task={t}
              onOpen={() => setOpen(false)}
            />
          ))}
        </ul>
      )}
    </Sheet>
  );
}

/** The top bar's toggle, with how many tasks are running. */
export function TaskDrawerButton() {
  const { setOpen } = useTaskDrawer();
  const trpc = useTRPC();
  const tasks = useQuery(trpc.tasks.recent.queryOptions({ limit: 30 }));
  const running = tasks.data?.filter((t) => actionState(t) === "running").length ?? 0;
  return (
    <button
      onClick={() => setOpen(true)}
      className="relative inline-flex items-center gap-1.5 rounded-md px-2 py-1.5 text-sm font-medium text-slate-600 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800"
      aria-label={running ? `Tasks, ${running} running` : "Tasks"}
    >
      <ListChecks className="size-4" aria-hidden />
      <span className="hidden sm:inline">Tasks</span>
      {running > 0 && (
        <span className="rounded-full bg-sky-600 px-1.5 text-[0.6875rem] leading-4 font-semibold text-white tabular-nums">
          {running}
        </span>
      )}
    </button>
  );
}
