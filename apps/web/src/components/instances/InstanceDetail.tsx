"use client";
// One instance: its state and main actions in the header, then tabs — overview, console, action
// log (with the scheduler's explanation) and console log. Everything on it updates live.
import { useQuery } from "@tanstack/react-query";
import { ArrowLeft, Power, PowerOff, RotateCw } from "lucide-react";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useMemo } from "react";
import { availability, type MenuAction } from "../../dashboard/actions";
import { useNow } from "../../dashboard/clock";
import { formatMb } from "../../dashboard/fit";
import { when } from "../../dashboard/format";
import { useSession } from "../../dashboard/session";
import { errorMessage, useTRPC } from "../../dashboard/trpc";
import type { ServerView } from "../../trpc/routers/servers/views";
import { Badge, StatusBadge } from "../ui/badge";
import { Button, ButtonLink } from "../ui/button";
import { Card, Details, Mono, PageHeader } from "../ui/page";
import { ErrorState, SkeletonRows } from "../ui/states";
import { Tab, TabList, TabPanel, Tabs } from "../ui/tabs";
import { ActionLog } from "./ActionLog";
import { ConsoleLog } from "./ConsoleLog";
import { ConsoleTab } from "./ConsoleTab";
import { StuckBadge } from "./InstancesTable";
import { ServerActionsMenu, useServerAction } from "./ServerActions";

const TABS = ["overview", "console", "actions", "log"] as const;
type TabName = (typeof TABS)[number];

/** The buttons beside the title; everything else is in "More". */
const PRIMARY: { action: MenuAction; label: string; icon: typeof Power }[] = [
  { action: "start", label: "Start", icon: Power },
  { action: "stop", label: "Shut off", icon: PowerOff },
  { action: "reboot-soft", label: "Reboot", icon: RotateCw },
];

function HeaderActions({ server }: { server: ServerView }) {
  const session = useSession();
  const run = useServerAction();
  return (
    <>
      {PRIMARY.map(({ action, label, icon: Icon }) => {
        const can = availability(action, server, session);
        return (
          <Button
            key={action}
            icon={<Icon className="size-4" aria-hidden />}
            unavailable={can.ok ? null : can.reason}
            loading={run.isPending && run.variables?.action === action}
            onClick={() => run.mutate({ id: server.id, action })}
          >
            {label}
          </Button>
        );
      })}
      <ServerActionsMenu server={server} trigger="button" />
    </>
  );
}

function Overview({ server }: { server: ServerView }) {
  const trpc = useTRPC();
  const session = useSession();
  const images = useQuery(trpc.images.list.queryOptions({}));
  const image = images.data?.find((i) => i.id === server.imageRef);
  const metadata = Object.entries(server.metadata);
  return (
    <div className="grid gap-4 xl:grid-cols-2">
      {server.fault && (
        <div className="xl:col-span-2">
          <ErrorState
            title={`Fault ${server.fault.code} · ${when(server.fault.createdAt)}`}
            message={server.fault.message}
          />
          {server.fault.details && (
            <details className="mt-2 text-sm">
              <summary className="cursor-pointer text-xs font-medium text-rose-700 dark:text-rose-400">
                Details
              </summary>
              <pre className="mt-2 max-h-64 overflow-auto rounded bg-slate-50 p-3 text-xs dark:bg-slate-950">
                {server.fault.details}
              </pre>
            </details>
          )}
        </div>
      )}
      <Card title="State">
        <Details
          items={[
            ["Status", <StatusBadge key="s" status={server.status} taskState={server.taskState} />],
            ["VM state", server.vmState],
            ["Task", server.taskState ?? "none"],
            ["Power", server.powerStateName],
            [
              "Locked",
              server.locked ? `yes${server.lockedReason ? ` — ${server.lockedReason}` : ""}` : "no",
            ],
            ["Progress", server.taskState ? `${server.progress} %` : null],
          ]}
        />
      </Card>
      <Card title="Flavor and image">
        <Details
          items={[
            ["Flavor", server.flavor.name],
            ["vCPUs · RAM", `${server.flavor.vcpus} · ${formatMb(server.flavor.memoryMb)}`],
            [
              "Disk",
              `${server.flavor.rootGb} GB root${server.flavor.ephemeralGb ? ` + ${server.flavor.ephemeralGb} GB ephemeral` : ""}${server.flavor.swap ? ` + ${formatMb(server.flavor.swap)} swap` : ""}`,
            ],
            ["Image", image ? (image.name ?? image.id) : <Mono key="i">{server.imageRef}</Mono>],
          ]}
        />
      </Card>
      <Card title="Placement and access">
        <Details
          items={[
            ["Availability zone", server.availabilityZone],
            ...(session.isAdmin
              ? ([
                  ["Host", server.host ? <Mono key="h">{server.host}</Mono> : null],
                  ["Node", server.node ? <Mono key="n">{server.node}</Mono> : null],
                ] as Array<[string, React.ReactNode]>)
              : []),
            ["Key pair", server.keyName],
            [
              "Server groups",
              server.serverGroups.length
                ? server.serverGroups.map((g) => (
                    <Mono key={g} short>
                      {g}
                    </Mono>
                  ))
                : null,
            ],
          ]}
        />
      </Card>
      <Card title="Identity and time">
        <Details
          items={[
            ["ID", <Mono key="id">{server.id}</Mono>],
            ["Project", <Mono key="p">{server.projectId}</Mono>],
            ["User", <Mono key="u">{server.userId}</Mono>],
            ["Created", when(server.createdAt)],
            ["Launched", server.launchedAt && when(server.launchedAt)],
            ["Updated", when(server.updatedAt)],
          ]}
        />
      </Card>
      <Card title="Metadata" className="xl:col-span-2">
        {metadata.length === 0 ? (
          <p className="p-4 text-sm text-slate-500">No metadata.</p>
        ) : (
          <Details items={metadata.map(([k, v]) => [k, v] as [string, string])} />
        )}
      </Card>
    </div>
  );
}

export function InstanceDetail({ id }: { id: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const now = useNow();
  const server = useQuery(trpc.servers.get.queryOptions({ id }));
  const tab: TabName = useMemo(() => {
    const t = params.get("tab");
    return (TABS as readonly string[]).includes(t ?? "") ? (t as TabName) : "overview";
  }, [params]);
  const back = (
    <ButtonLink
      href="/project/instances"
      variant="ghost"
      size="sm"
      className="-ml-2.5"
      icon={<ArrowLeft className="size-4" aria-hidden />}
    >
      Instances
    </ButtonLink>
  );

  if (server.isPending) {
    return (
      <>
        <PageHeader title="Instance" breadcrumb={back} />
        <SkeletonRows rows={6} className="p-0" />
      </>
    );
  }
  if (server.isError) {
    return (
      <>
        <PageHeader title="Instance" breadcrumb={back} />
        <ErrorState message={errorMessage(server.error)} onRetry={() => void server.refetch()} />
      </>
    );
  }
  const s = server.data;
  const deleted = s.status === "DELETED" || !!s.deletedAt;
  return (
    <>
      <PageHeader
        breadcrumb={back}
        title={
          <span className="flex flex-wrap items-center gap-3">
            {s.name}
            <span className="text-base font-normal" data-testid="status">
              <StatusBadge status={s.status} taskState={s.taskState} />
            </span>
            <StuckBadge server={s} now={now} />
            {deleted && <Badge tone="neutral">deleted</Badge>}
          </span>
        }
        description={<Mono>{s.id}</Mono>}
        actions={deleted ? undefined : <HeaderActions server={s} />}
      />
      <Tabs
        value={tab}
        onValueChange={(t) => router.replace(`${pathname}?tab=${t}`, { scroll: false })}
      >
        <TabList label="Instance">
          <Tab value="overview">Overview</Tab>
          <Tab value="console">Console</Tab>
          <Tab value="actions">Action log</Tab>
          <Tab value="log">Console log</Tab>
        </TabList>
        <TabPanel value="overview">
          <Overview server={s} />
        </TabPanel>
        <TabPanel value="console">{tab === "console" && <ConsoleTab server={s} />}</TabPanel>
        <TabPanel value="actions">
          <ActionLog id={s.id} />
        </TabPanel>
        <TabPanel value="log">
          {tab === "log" && <ConsoleLog id={s.id} changedAt={s.updatedAt} />}
        </TabPanel>
      </Tabs>
    </>
  );
}
