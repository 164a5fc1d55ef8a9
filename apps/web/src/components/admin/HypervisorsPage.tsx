"use client";
// Admin › Hypervisors: one card per compute host with its capacity as the scheduler counts it
// (used of total × allocation ratio), kept current by pushed compute node and service events.
import type { ComputeNode } from "@nimbus/rpc";
import { useQuery } from "@tanstack/react-query";
import { HardDrive } from "lucide-react";
import { formatMb } from "../../dashboard/fit";
import { useTRPC } from "../../dashboard/trpc";
import { Badge } from "../ui/badge";
import { cn } from "../ui/cn";
import { PageHeader } from "../ui/page";
import { QueryView } from "./common";
import { useLiveHosts } from "./hosts-live";
import { ServiceState } from "./ServicesPage";

export function HypervisorsPage() {
  const trpc = useTRPC();
  const nodes = useQuery(trpc.hypervisors.list.queryOptions());
  useLiveHosts();
  return (
    <>
      <PageHeader
        title="Hypervisors"
        description="Each compute host's capacity as the scheduler counts it: used of total × allocation ratio. Updated live."
      />
      <QueryView
        query={nodes}
        inset={false}
        isEmpty={(list) => list.length === 0}
        empty={{
          icon: <HardDrive className="size-5" />,
          title: "No compute hosts",
          text: "A host appears here once its compute service reports to the cloud.",
        }}
      >
        {(list) => (
          <ul className="grid gap-4 md:grid-cols-2 2xl:grid-cols-3">
            {list.map((node) => (
              <li key={node.id}>
                <HypervisorCard node={node} />
              </li>
            ))}
          </ul>
        )}
      </QueryView>
    </>
  );
}

function HypervisorCard({ node }: { node: ComputeNode }) {
  const usable = node.service.up && !node.service.disabled && !node.service.forcedDown;
  return (
    <section
      aria-label={node.host}
      className="rounded-lg border border-slate-200 bg-white shadow-sm dark:border-slate-800 dark:bg-slate-900"
    >
      <div className="flex flex-wrap items-start justify-between gap-2 border-b border-slate-200 px-4 py-3 dark:border-slate-800">
        <div className="min-w-0">
          <h2 className="truncate font-mono text-sm font-semibold">{node.host}</h2>
          <p className="mt-0.5 text-xs text-slate-500 dark:text-slate-400">
            {/* libvirt's own name for the machine, when it is not the compute host's */}
            {node.hypervisorHostname !== node.host && `${node.hypervisorHostname} · `}
            {node.hypervisorType} {versionOf(node.hypervisorVersion)} · {node.hostIp} · zone{" "}
            {node.availabilityZone}
          </p>
        </div>
        <ServiceState service={node.service} />
      </div>
      <div className="space-y-3 px-4 py-3">
        <Capacity
          label="vCPUs"
          used={node.vcpusUsed}
          total={node.vcpus}
          ratio={node.cpuAllocationRatio}
          format={String}
        />
        <Capacity
          label="RAM"
          used={node.memoryMbUsed}
          total={node.memoryMb}
          ratio={node.ramAllocationRatio}
          format={formatMb}
        />
        <Capacity
          label="Disk"
          used={node.localGbUsed}
          total={node.localGb}
          ratio={node.diskAllocationRatio}
          format={(gb) => `${gb} GB`}
        />
      </div>
      <div className="flex items-center justify-between border-t border-slate-200 px-4 py-2.5 text-sm dark:border-slate-800">
        <span>
          <span className="font-semibold tabular-nums" data-testid="running-vms">
            {node.runningVms}
          </span>{" "}
          <span className="text-slate-600 dark:text-slate-400">
            running {node.runningVms === 1 ? "instance" : "instances"}
          </span>
        </span>
        {!usable && <Badge tone="warning">Not scheduling</Badge>}
      </div>
    </section>
  );
}

/** libvirt's version number 8000000 → "8.0.0". */
function versionOf(v: number): string {
  return `${Math.floor(v / 1_000_000)}.${Math.floor(v / 1000) % 1000}.${v % 1000}`;
}

function Capacity({
  label,
  used,
  total,
  ratio,
  format,
}: {
  label: string;
  used: number;
  total: number;
  ratio: number;
  format: (n: number) => string;
}) {
  const capacity = Math.floor(total * ratio);
  const pct = capacity > 0 ? Math.min(100, (used / capacity) * 100) : 0;
  const text = `${format(used)} of ${format(capacity)}`;
  return (
    <div>
      <div className="flex items-baseline justify-between gap-2 text-sm">
        <span className="font-medium">{label}</span>
        <span className="text-slate-600 tabular-nums dark:text-slate-400">
          {text}
          {ratio !== 1 && (
            <span className="text-xs text-slate-500">
              {" "}
              ({format(total)} × {ratio})
            </span>
          )}
        </span>
      </div>
      <div
        role="meter"
        aria-label={`${label}: ${text} used`}
        aria-valuemin={0}
        aria-valuemax={capacity}
        aria-valuenow={used}
        className="mt-1.5 h-2 w-full overflow-hidden rounded-full bg-slate-200 dark:bg-slate-800"
      >
        <div
          className={cn(
            "h-full rounded-full transition-[width] duration-500",
            pct >= 90 ? "bg-rose-500" : pct >= 70 ? "bg-amber-500" : "bg-sky-500",
          )}
          style={{ width: `${pct}%` }}
        />
      </div>
    </div>
  );
}
