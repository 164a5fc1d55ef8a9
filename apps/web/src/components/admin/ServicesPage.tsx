"use client";
// Admin › Compute services: every service with its state (up/down, pushed live) and status;
// enable, disable with a reason, force down and back.
import type { Service } from "@nimbus/rpc";
import { useMutation, useQuery } from "@tanstack/react-query";
import { MoreHorizontal, Power, PowerOff, ServerCrash } from "lucide-react";
import { useState, type FormEvent } from "react";
import { useNow } from "../../dashboard/clock";
import { ago, when } from "../../dashboard/format";
import { useTRPC } from "../../dashboard/trpc";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { Dialog } from "../ui/dialog";
import { Field, Input } from "../ui/field";
import { DropdownContent, DropdownItem, DropdownMenu, DropdownTrigger } from "../ui/menu";
import { Card, PageHeader } from "../ui/page";
import { Table, TD, TH, THead, TR } from "../ui/table";
import { QueryView, useOutcome } from "./common";
import { useLiveHosts } from "./hosts-live";

/** Up/down and enabled/disabled, each in colour and words. */
export function ServiceState({ service }: { service: Service }) {
  return (
    <span className="flex flex-wrap gap-1.5" data-testid="service-state">
      {service.forcedDown ? (
        <Badge tone="danger">forced down</Badge>
      ) : (
        <Badge tone={service.up ? "success" : "danger"}>{service.up ? "up" : "down"}</Badge>
      )}
      <Badge tone={service.disabled ? "warning" : "neutral"}>
        {service.disabled ? "disabled" : "enabled"}
      </Badge>
    </span>
  );
}

type Change =
  | { change: "enable" }
  | { change: "disable"; reason: string | null }
  | { change: "forceDown"; forcedDown: boolean };

const LABELS = { enable: "Enable", disable: "Disable", forceDown: "Force down" } as const;

export function ServicesPage() {
  const trpc = useTRPC();
  const services = useQuery(trpc.services.list.queryOptions());
  const patch = useLiveHosts();
  const outcome = useOutcome();
  const now = useNow();
  const [disabling, setDisabling] = useState<Service | null>(null);
  const update = useMutation(
    trpc.services.update.mutationOptions({
      onSuccess: (s, v) => {
        patch(s);
        const done =
          v.change === "forceDown"
            ? s.forcedDown
              ? "forced down"
              : "no longer forced down"
            : `${v.change}d`;
        outcome.done(`${s.binary} on ${s.host}: ${done}`);
      },
      onError: (err, v) => outcome.refused(`${LABELS[v.change]} refused`)(err),
    }),
  );
  const run = (s: Service, c: Change) => update.mutate({ id: s.uuid, ...c });

  return (
    <>
      <PageHeader
        title="Compute services"
        description="Whether each service heartbeats (up/down, live) and whether the scheduler may use it."
      />
      <Card>
        <QueryView
          query={services}
          isEmpty={(l) => l.length === 0}
          empty={{
            icon: <ServerCrash className="size-5" />,
            title: "No services",
            text: "Services appear once their workers start.",
          }}
        >
          {(list) => (
            <Table label="Compute services">
              <THead>
                <tr>
                  <TH>Binary</TH>
                  <TH>Host</TH>
                  <TH>Zone</TH>
                  <TH>State</TH>
                  <TH>Last heartbeat</TH>
                  <TH>Disabled reason</TH>
                  <TH>
                    <span className="sr-only">Actions</span>
                  </TH>
                </tr>
              </THead>
              <tbody>
                {list.map((s) => (
                  <TR key={s.uuid}>
                    <TD className="font-mono text-[0.8125rem]">{s.binary}</TD>
                    <TD className="font-mono text-[0.8125rem]">{s.host}</TD>
                    <TD>{s.zone}</TD>
                    <TD>
                      <ServiceState service={s} />
                    </TD>
                    <TD className="whitespace-nowrap text-slate-600 dark:text-slate-400">
                      {s.lastSeenUp ? (
                        <time dateTime={s.lastSeenUp} title={when(s.lastSeenUp)}>
                          {ago(s.lastSeenUp, now)}
                        </time>
                      ) : (
                        "never"
                      )}
                    </TD>
                    <TD className="max-w-64 break-words" data-testid="disabled-reason">
                      {s.disabledReason ?? <span className="text-slate-400">—</span>}
                    </TD>
                    <TD className="text-right">
                      <DropdownMenu>
                        <DropdownTrigger asChild>
                          <Button
                            size="sm"
                            variant="ghost"
                            aria-label={`Actions for ${s.binary} on ${s.host}`}
                            icon={<MoreHorizontal className="size-4" aria-hidden />}
                          />
                        </DropdownTrigger>
                        <DropdownContent>
                          {s.disabled ? (
                            <DropdownItem
                              icon={<Power className="size-4" aria-hidden />}
                              onSelect={() => run(s, { change: "enable" })}
                            >
                              Enable
                            </DropdownItem>
                          ) : (
                            <DropdownItem
                              icon={<PowerOff className="size-4" aria-hidden />}
                              onSelect={() => setDisabling(s)}
                            >
                              Disable…
                            </DropdownItem>
                          )}
                          <DropdownItem
                            tone={s.forcedDown ? "default" : "danger"}
                            icon={<ServerCrash className="size-4" aria-hidden />}
                            onSelect={() =>
                              run(s, { change: "forceDown", forcedDown: !s.forcedDown })
                            }
                          >
                            {s.forcedDown ? "Unset forced down" : "Force down"}
                          </DropdownItem>
                        </DropdownContent>
                      </DropdownMenu>
                    </TD>
                  </TR>
                ))}
              </tbody>
            </Table>
          )}
        </QueryView>
      </Card>
      <DisableDialog
        service={disabling}
        busy={update.isPending}
        onClose={() => setDisabling(null)}
        onDisable={(s, reason) =>
          update.mutate(
            { id: s.uuid, change: "disable", reason },
            { onSuccess: () => setDisabling(null) },
          )
        }
      />
    </>
  );
}

function DisableDialog({
  service,
  busy,
  onClose,
  onDisable,
}: {
  service: Service | null;
  busy: boolean;
  onClose: () => void;
  onDisable: (s: Service, reason: string | null) => void;
}) {
  const [reason, setReason] = useState("");
  function submit(e: FormEvent) {
    e.preventDefault();
    if (service) onDisable(service, reason.trim() || null);
    setReason("");
  }
  return (
    <Dialog
      open={!!service}
      onOpenChange={(open) => !open && onClose()}
      title={`Disable ${service?.binary} on ${service?.host}?`}
      description="The scheduler stops placing new instances there; those already running stay."
    >
      <form onSubmit={submit} className="space-y-4">
        <Field label="Reason" hint="Shown to other administrators, e.g. “hardware maintenance”.">
          {(ids) => (
            <Input
              {...ids}
              maxLength={255}
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              autoFocus
            />
          )}
        </Field>
        <div className="flex justify-end gap-2">
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="danger" loading={busy}>
            Disable
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
