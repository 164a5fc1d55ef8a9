"use client";
// Project › Overview: quota usage and usage over a period, refreshed by pushed instance events
// (no polling): a new or removed instance changes both, a task that settles (a build that went
// ACTIVE, a deletion) changes what ran.
import { useQueryClient } from "@tanstack/react-query";
import { useLiveEvent } from "../../dashboard/live";
import { useSession } from "../../dashboard/session";
import { useTRPC } from "../../dashboard/trpc";
import { PageHeader } from "../ui/page";
import { ProjectUsage } from "./ProjectUsage";
import { QuotaCharts } from "./QuotaCharts";

export function OverviewPage() {
  const session = useSession();
  const trpc = useTRPC();
  const qc = useQueryClient();
  useLiveEvent("server", (e) => {
    if (e.kind === "created") void qc.invalidateQueries(trpc.usage.pathFilter());
    else if (e.server.taskState === null)
      void qc.invalidateQueries(trpc.usage.project.pathFilter());
  });
  useLiveEvent("server.deleted", () => void qc.invalidateQueries(trpc.usage.pathFilter()));
  return (
    <>
      <PageHeader
        title="Overview"
        description={`What ${session.projectName} uses of its quota, and what its instances ran.`}
      />
      <div className="space-y-5">
        <QuotaCharts />
        <ProjectUsage />
      </div>
    </>
  );
}
