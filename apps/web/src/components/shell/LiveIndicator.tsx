"use client";
import { useLive } from "../../dashboard/live";
import { cn } from "../ui/cn";
import { Tip } from "../ui/tooltip";

const TEXT = {
  live: ["Live", "Changes appear as they happen."],
  connecting: ["Connecting", "Connecting to live updates…"],
  offline: [
    "Offline",
    "Live updates are interrupted; reconnecting. The page catches up once back.",
  ],
} as const;

/** Whether pushed updates are arriving: a dot with a word (not colour alone). */
export function LiveIndicator() {
  const { state } = useLive();
  const [word, explanation] = TEXT[state];
  return (
    <Tip content={explanation}>
      <span
        tabIndex={0}
        role="status"
        data-state={state}
        className="hidden items-center gap-1.5 rounded-md px-2 py-1 text-xs font-medium text-slate-600 sm:inline-flex dark:text-slate-400"
      >
        <span
          aria-hidden
          className={cn(
            "size-2 rounded-full",
            state === "live" && "bg-emerald-500",
            state === "connecting" && "animate-pulse bg-amber-400",
            state === "offline" && "bg-rose-500",
          )}
        />
        {word}
      </span>
    </Tip>
  );
}
