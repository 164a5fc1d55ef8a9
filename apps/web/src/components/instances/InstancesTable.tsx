"use client";
// The instance table: one page at a time from the server (search, status filter, sort, limit and
// marker go to the conductor's SQL), kept current by pushed events, with row actions and bulk
// actions on the selected rows.
import { SERVER_STATUSES } from "@nimbus/rpc/domain";
import { keepPreviousData, useMutation, useQuery } from "@tanstack/react-query";
import { AlertTriangle, ChevronLeft, ChevronRight, Plus, Search, Server } from "lucide-react";
import Link from "next/link";
import { useEffect, useMemo, useState } from "react";
import { availability, isStuck } from "../../dashboard/actions";
import { useNow } from "../../dashboard/clock";
import { age } from "../../dashboard/format";
import { formatMb } from "../../dashboard/fit";
import { useCan, useSession } from "../../dashboard/session";
import { errorMessage, useTRPC } from "../../dashboard/trpc";
import type { SortColumn } from "../../trpc/routers/servers/list.schema";
import type { ServerView } from "../../trpc/routers/servers/views";
import { Badge, StatusBadge } from "../ui/badge";
import { Button, ButtonLink } from "../ui/button";
import { ConfirmDialog } from "../ui/dialog";
import { Input, Select } from "../ui/field";
import { Mono } from "../ui/page";
import { EmptyState, ErrorState, SkeletonRows } from "../ui/states";
import { SortableTH, Table, TD, TH, THead, TR } from "../ui/table";
import { useToast } from "../ui/toast";
import { Tip } from "../ui/tooltip";
import { ServerActionsMenu } from "./ServerActions";

const BULK = [
  { action: "start", label: "Start" },
  { action: "stop", label: "Shut off" },
  { action: "reboot-soft", label: "Reboot" },
  { action: "delete", label: "Delete" },
] as const;
type BulkAction = (typeof BULK)[number]["action"];

/** Text typed in the search box, sent once typing pauses. */
function useDebounced<T>(value: T, ms = 250): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

export function StuckBadge({ server, now }: { server: ServerView; now: number }) {
  const session = useSession();
  if (!isStuck(server, now, session.settings.stuckTaskSeconds)) return null;
  return (
    <Tip
      content={`${server.taskState} for ${age(server.updatedAt, now)}. ${
        session.isAdmin
          ? "Reset its state from the actions menu if the task is lost."
          : "An administrator can reset its state."
      }`}
    >
      <span tabIndex={0}>
        <Badge tone="warning">
          <AlertTriangle className="size-3" aria-hidden />
          Stuck
        </Badge>
      </span>
    </Tip>
  );
}

export function InstancesTable({ allProjects = false }: { allProjects?: boolean }) {
  const trpc = useTRPC();
  const session = useSession();
  const can = useCan();
  const toast = useToast();
  const now = useNow();
  const [text, setText] = useState("");
  const search = useDebounced(text.trim());
  const [status, setStatus] = useState<(typeof SERVER_STATUSES)[number] | "">("");
  const [sort, setSort] = useState<{ column: SortColumn; dir: "asc" | "desc" }>({
    column: "created",
    dir: "desc",
  });
  const [limit, setLimit] = useState(25);
  // The markers of the pages before this one (none: the first page).
  const [markers, setMarkers] = useState<string[]>([]);
  const marker = markers.at(-1);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [confirmBulk, setConfirmBulk] = useState<BulkAction | null>(null);

  // A new search, filter, sort or size starts again from the first page.
  useEffect(() => setMarkers([]), [search, status, sort, limit]);

  const input = {
    ...(search && { search }),
    ...(status && { status }),
    sort,
    limit,
    ...(marker && { marker }),
    allProjects,
  };
  const list = useQuery({
    ...trpc.servers.list.queryOptions(input),
    placeholderData: keepPreviousData,
  });
  const images = useQuery(trpc.images.list.queryOptions({}));
  const imageName = useMemo(
    () => new Map(images.data?.map((i) => [i.id, i.name ?? i.id])),
    [images.data],
  );

  const servers = list.data?.servers ?? [];
  const selectedServers = servers.filter((s) => selected.has(s.id));

  const bulk = useMutation(
    trpc.servers.bulkAction.mutationOptions({
      onSuccess: (results, vars) => {
        const refused = results.filter((r) => !r.ok);
        const label = BULK.find((b) => b.action === vars.action)!.label;
        toast(
          refused.length === 0
            ? {
                tone: "success",
                title: `${label}: ${results.length} instance${results.length === 1 ? "" : "s"}`,
                message: "Requested.",
              }
            : {
                tone: "error",
                title: `${label}: ${results.length - refused.length} requested, ${refused.length} refused`,
                message: refused.map((r) => r.message).join(" "),
              },
        );
        setSelected(new Set());
      },
      onError: (err) =>
        toast({ tone: "error", title: "Bulk action failed", message: errorMessage(err) }),
    }),
  );
  const runBulk = (action: BulkAction) => {
    const ids = selectedServers.filter((s) => availability(action, s, session).ok).map((s) => s.id);
    if (ids.length) bulk.mutate({ ids, action });
  };

  const sortBy = (column: SortColumn) =>
    setSort((s) =>
      s.column === column
        ? { column, dir: s.dir === "asc" ? "desc" : "asc" }
        : { column, dir: column === "created" ? "desc" : "asc" },
    );
  const th = (column: SortColumn, label: string, className?: string) => (
    <SortableTH
      active={sort.column === column}
      dir={sort.dir}
      onSort={() => sortBy(column)}
      className={className}
    >
      {label}
    </SortableTH>
  );
  const allSelected = servers.length > 0 && servers.every((s) => selected.has(s.id));
  const filtered = !!(search || status);
  const launchBlocked = can("servers:create")
    ? null
    : "Your role here (reader) cannot launch instances.";

  return (
    <div className="rounded-lg border border-slate-200 bg-white shadow-sm dark:border-slate-800 dark:bg-slate-900">
      <div className="flex flex-wrap items-center gap-2 border-b border-slate-200 p-3 dark:border-slate-800">
        <div className="relative min-w-48 flex-1 sm:max-w-xs">
          <Search
            className="pointer-events-none absolute top-2.5 left-2.5 size-4 text-slate-400"
            aria-hidden
          />
          <Input
            type="search"
            aria-label="Search instances by name"
            placeholder="Search by name"
            className="pl-8"
            value={text}
            onChange={(e) => setText(e.target.value)}
          />
        </div>
        <Select
          aria-label="Filter by status"
          inline
          value={status}
          onChange={(e) => setStatus(e.target.value as typeof status)}
        >
          <option value="">All statuses</option>
          {SERVER_STATUSES.filter((s) => s !== "DELETED" && s !== "SOFT_DELETED").map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </Select>
        {!allProjects && (
          <div className="ml-auto">
            {launchBlocked ? (
              <Button
                variant="primary"
                icon={<Plus className="size-4" aria-hidden />}
                unavailable={launchBlocked}
              >
                Launch instance
              </Button>
            ) : (
              <ButtonLink
                href="/project/instances/launch"
                variant="primary"
                icon={<Plus className="size-4" aria-hidden />}
              >
                Launch instance
              </ButtonLink>
            )}
          </div>
        )}
      </div>

      {selectedServers.length > 0 && (
        <div
          role="region"
          aria-label="Bulk actions"
          className="flex flex-wrap items-center gap-2 border-b border-slate-200 bg-sky-50/70 px-3 py-2 text-sm dark:border-slate-800 dark:bg-sky-950/30"
        >
          <span className="mr-2 font-medium">{selectedServers.length} selected</span>
          {BULK.map(({ action, label }) => {
            const able = selectedServers.filter((s) => availability(action, s, session).ok).length;
            const reason = able === 0 ? availability(action, selectedServers[0]!, session) : null;
            return (
              <Button
                key={action}
                size="sm"
                variant={action === "delete" ? "danger" : "secondary"}
                unavailable={
                  reason && !reason.ok
                    ? `None of the selected instances can: ${reason.reason}`
                    : null
                }
                loading={bulk.isPending && bulk.variables?.action === action}
                onClick={() => (action === "delete" ? setConfirmBulk(action) : runBulk(action))}
              >
                {label}
                {able > 0 && able < selectedServers.length && (
                  <span className="opacity-70">({able})</span>
                )}
              </Button>
            );
          })}
          <Button size="sm" variant="ghost" onClick={() => setSelected(new Set())}>
            Clear
          </Button>
        </div>
      )}

      {list.isPending ? (
        <SkeletonRows rows={6} />
      ) : list.isError ? (
        <div className="p-4">
          <ErrorState message={errorMessage(list.error)} onRetry={() => void list.refetch()} />
        </div>
      ) : servers.length === 0 ? (
        filtered ? (
          <EmptyState icon={<Search className="size-5" />} title="No instance matches">
            Nothing is named like “{search}”{status && ` with status ${status}`}.
          </EmptyState>
        ) : (
          <EmptyState
            icon={<Server className="size-5" />}
            title={allProjects ? "No instances in the cloud" : "No instances yet"}
            action={
              !allProjects && !launchBlocked ? (
                <ButtonLink
                  href="/project/instances/launch"
                  variant="primary"
                  icon={<Plus className="size-4" aria-hidden />}
                >
                  Launch instance
                </ButtonLink>
              ) : undefined
            }
          >
            {allProjects
              ? "No project has an instance right now."
              : "Launch one and watch it boot, live."}
          </EmptyState>
        )
      ) : (
        <Table label={allProjects ? "All instances" : "Instances"}>
          <THead>
            <tr>
              <TH className="w-8 pr-0">
                <input
                  type="checkbox"
                  aria-label="Select all instances on this page"
                  checked={allSelected}
                  onChange={() =>
                    setSelected(allSelected ? new Set() : new Set(servers.map((s) => s.id)))
                  }
                />
              </TH>
              {th("name", "Name")}
              <TH className="hidden md:table-cell">Image</TH>
              <TH className="hidden sm:table-cell">Flavor</TH>
              {th("status", "Status")}
              {th("power", "Power", "hidden lg:table-cell")}
              {th("zone", "Zone", "hidden xl:table-cell")}
              {session.isAdmin && th("host", "Host", "hidden lg:table-cell")}
              {th("created", "Age", "hidden sm:table-cell")}
              <TH className="w-10">
                <span className="sr-only">Actions</span>
              </TH>
            </tr>
          </THead>
          <tbody>
            {servers.map((s) => (
              <TR key={s.id} selected={selected.has(s.id)}>
                <TD className="pr-0">
                  <input
                    type="checkbox"
                    aria-label={`Select ${s.name}`}
                    checked={selected.has(s.id)}
                    onChange={() =>
                      setSelected((sel) => {
                        const next = new Set(sel);
                        if (!next.delete(s.id)) next.add(s.id);
                        return next;
                      })
                    }
                  />
                </TD>
                <TD className="max-w-56">
                  <div className="flex items-center gap-2">
                    <Link
                      href={`/project/instances/${s.id}`}
                      className="truncate font-medium text-sky-700 hover:underline dark:text-sky-400"
                    >
                      {s.name}
                    </Link>
                    <StuckBadge server={s} now={now} />
                  </div>
                  {allProjects && (
                    <div className="text-xs text-slate-500">
                      project <Mono short>{s.projectId}</Mono>
                    </div>
                  )}
                </TD>
                <TD className="hidden max-w-44 truncate md:table-cell">
                  {imageName.get(s.imageRef) ?? <Mono short>{s.imageRef}</Mono>}
                </TD>
                <TD className="hidden whitespace-nowrap sm:table-cell">
                  {s.flavor.name}
                  <span className="ml-1.5 text-xs text-slate-500 dark:text-slate-400">
                    {s.flavor.vcpus} vCPU · {formatMb(s.flavor.memoryMb)}
                  </span>
                </TD>
                <TD data-testid="status">
                  <StatusBadge status={s.status} taskState={s.taskState} />
                </TD>
                <TD className="hidden text-xs text-slate-600 lg:table-cell dark:text-slate-400">
                  {s.powerStateName}
                </TD>
                <TD className="hidden xl:table-cell">{s.availabilityZone ?? "—"}</TD>
                {session.isAdmin && (
                  <TD className="hidden lg:table-cell">{s.host ? <Mono>{s.host}</Mono> : "—"}</TD>
                )}
                <TD className="hidden whitespace-nowrap text-slate-600 sm:table-cell dark:text-slate-400">
                  <time dateTime={s.createdAt} title={s.createdAt}>
                    {age(s.createdAt, now)}
                  </time>
                </TD>
                <TD className="text-right">
                  <ServerActionsMenu server={s} />
                </TD>
              </TR>
            ))}
          </tbody>
        </Table>
      )}

      {(servers.length > 0 || markers.length > 0) && (
        <div className="flex flex-wrap items-center justify-between gap-2 border-t border-slate-200 px-3 py-2 text-sm dark:border-slate-800">
          <span className="text-slate-500 tabular-nums dark:text-slate-400">
            Page {markers.length + 1} · {servers.length} shown
          </span>
          <div className="flex items-center gap-2">
            <Select
              aria-label="Rows per page"
              inline
              className="h-8 text-xs"
              value={limit}
              onChange={(e) => setLimit(Number(e.target.value))}
            >
              {[25, 50, 100].map((n) => (
                <option key={n} value={n}>
                  {n} per page
                </option>
              ))}
            </Select>
            <Button
              size="sm"
              icon={<ChevronLeft className="size-4" aria-hidden />}
              disabled={markers.length === 0}
              onClick={() => setMarkers((m) => m.slice(0, -1))}
            >
              Previous
            </Button>
            <Button
              size="sm"
              disabled={!list.data?.nextMarker}
              onClick={() =>
                list.data?.nextMarker && setMarkers((m) => [...m, list.data!.nextMarker!])
              }
            >
              Next
              <ChevronRight className="size-4" aria-hidden />
            </Button>
          </div>
        </div>
      )}

      <ConfirmDialog
        open={confirmBulk === "delete"}
        onOpenChange={(open) => !open && setConfirmBulk(null)}
        title={`Delete ${selectedServers.length} instance${selectedServers.length === 1 ? "" : "s"}?`}
        description={`${selectedServers.map((s) => s.name).join(", ")} and their disks are deleted. This cannot be undone.`}
        confirmLabel="Delete"
        busy={bulk.isPending}
        onConfirm={() => {
          runBulk("delete");
          setConfirmBulk(null);
        }}
      />
    </div>
  );
}
