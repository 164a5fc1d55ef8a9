"use client";
// The serial console log (os-getConsoleOutput): read on demand and again whenever the instance
// changes (a pushed update), never on a timer.
import { useQuery } from "@tanstack/react-query";
import { RefreshCw } from "lucide-react";
import { useEffect, useRef } from "react";
import { errorMessage, useTRPC } from "../../dashboard/trpc";
import { Button } from "../ui/button";
import { ErrorState, SkeletonRows } from "../ui/states";

export function ConsoleLog({ id, changedAt }: { id: string; changedAt: string }) {
  const trpc = useTRPC();
  const log = useQuery(trpc.servers.consoleOutput.queryOptions({ id, length: 500 }));
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    void log.refetch();
  }, [changedAt]);
  const pre = useRef<HTMLPreElement>(null);
  useEffect(() => {
    if (pre.current) pre.current.scrollTop = pre.current.scrollHeight;
  }, [log.data]);
  return (
    <div>
      <div className="mb-3 flex items-center justify-between gap-2">
        <p className="text-sm text-slate-500 dark:text-slate-400">
          The last 500 lines of the serial console.
        </p>
        <Button
          size="sm"
          icon={<RefreshCw className="size-4" aria-hidden />}
          loading={log.isFetching}
          onClick={() => void log.refetch()}
        >
          Refresh
        </Button>
      </div>
      {log.isPending ? (
        <SkeletonRows rows={6} className="p-0" />
      ) : log.isError ? (
        <ErrorState message={errorMessage(log.error)} onRetry={() => void log.refetch()} />
      ) : (
        <pre
          ref={pre}
          tabIndex={0}
          aria-label="Console log"
          data-testid="console-log"
          className="max-h-[60vh] min-h-40 overflow-auto rounded-lg bg-slate-950 p-4 font-mono text-xs leading-relaxed text-slate-200"
        >
          {log.data.output || "(the console log is empty)"}
        </pre>
      )}
    </div>
  );
}
