// Badges: a status is always colour AND text, and a task in progress says so with a spinner.
import { Loader2 } from "lucide-react";
import type { ReactNode } from "react";
import { cn } from "./cn";

export type Tone = "neutral" | "success" | "info" | "warning" | "danger";

const TONES: Record<Tone, { badge: string; dot: string }> = {
  neutral: {
    badge:
      "bg-slate-100 text-slate-700 ring-slate-300/60 dark:bg-slate-800 dark:text-slate-300 dark:ring-slate-600/60",
    dot: "bg-slate-400",
  },
  success: {
    badge:
      "bg-emerald-50 text-emerald-800 ring-emerald-600/25 dark:bg-emerald-950/60 dark:text-emerald-300 dark:ring-emerald-500/30",
    dot: "bg-emerald-500",
  },
  info: {
    badge:
      "bg-sky-50 text-sky-800 ring-sky-600/25 dark:bg-sky-950/60 dark:text-sky-300 dark:ring-sky-500/30",
    dot: "bg-sky-500",
  },
  warning: {
    badge:
      "bg-amber-50 text-amber-800 ring-amber-600/30 dark:bg-amber-950/60 dark:text-amber-300 dark:ring-amber-500/30",
    dot: "bg-amber-500",
  },
  danger: {
    badge:
      "bg-rose-50 text-rose-800 ring-rose-600/25 dark:bg-rose-950/60 dark:text-rose-300 dark:ring-rose-500/30",
    dot: "bg-rose-500",
  },
};

export function Badge({
  tone = "neutral",
  children,
  className,
}: {
  tone?: Tone;
  children: ReactNode;
  className?: string;
}) {
  return (
    <span
      className={cn(
        "inline-flex items-center gap-1.5 rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ring-1 ring-inset",
        TONES[tone].badge,
        className,
      )}
    >
      {children}
    </span>
  );
}

const STATUS_TONES: Record<string, Tone> = {
  ACTIVE: "success",
  BUILD: "info",
  REBOOT: "info",
  HARD_REBOOT: "info",
  REBUILD: "info",
  RESIZE: "info",
  MIGRATING: "info",
  VERIFY_RESIZE: "warning",
  REVERT_RESIZE: "info",
  PAUSED: "warning",
  SUSPENDED: "warning",
  SHUTOFF: "neutral",
  ERROR: "danger",
  UNKNOWN: "danger",
  DELETED: "neutral",
};

export const statusTone = (status: string): Tone => STATUS_TONES[status] ?? "neutral";

/** "SHUTOFF · powering-on": the API status, and the task under way if any. */
export function StatusBadge({ status, taskState }: { status: string; taskState: string | null }) {
  const tone = statusTone(status);
  return (
    <Badge tone={taskState ? "info" : tone}>
      {taskState ? (
        <Loader2 className="size-3 animate-spin" aria-hidden />
      ) : (
        <span className={cn("size-1.5 rounded-full", TONES[tone].dot)} aria-hidden />
      )}
      <span>
        {status}
        {taskState && <span className="font-normal"> · {taskState}</span>}
      </span>
    </Badge>
  );
}
