"use client";
// Pushed service and compute node events patch the Hypervisors and Compute services caches in
// place: a host's bars and a service's state change without a refetch.
import type { ComputeNode, Service } from "@nimbus/rpc";
import { useQueryClient } from "@tanstack/react-query";
import { useLiveEvent } from "../../dashboard/live";
import { useTRPC } from "../../dashboard/trpc";
import type { LiveEvents } from "../../live/events";

type ServiceEvent = Parameters<LiveEvents["service"]>[0];

/** A service as a service.update event says it is now (forced down is not in the event). */
export function applyServiceEvent(s: Service, e: ServiceEvent): Service {
  if (s.host !== e.host || s.binary !== e.binary) return s;
  return {
    ...s,
    up: e.state === "up",
    disabled: e.status === "disabled",
    disabledReason: e.disabledReason,
    lastSeenUp: e.lastSeenUp,
  };
}

export function useLiveHosts() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const patchServices = (fn: (s: Service) => Service) =>
    qc.setQueryData(trpc.services.list.queryKey(), (list) => list?.map(fn));
  const patchNodes = (fn: (n: ComputeNode) => ComputeNode) =>
    qc.setQueryData(trpc.hypervisors.list.queryKey(), (list) => list?.map(fn));

  useLiveEvent("service", (e) => {
    patchServices((s) => applyServiceEvent(s, e));
    patchNodes((n) => ({ ...n, service: applyServiceEvent(n.service, e) }));
  });
  useLiveEvent("compute-node", ({ node }) => {
    const known = qc.getQueryData(trpc.hypervisors.list.queryKey());
    // A host seen for the first time: fetch the list, which now has it.
    if (known && !known.some((n) => n.id === node.id)) {
      void qc.invalidateQueries(trpc.hypervisors.list.pathFilter());
    }
    patchNodes((n) => (n.id === node.id ? node : n));
  });
  /** Put a service the API just answered with into both lists. */
  return (service: Service) => {
    patchServices((s) => (s.uuid === service.uuid ? service : s));
    patchNodes((n) => (n.service.uuid === service.uuid ? { ...n, service } : n));
  };
}
