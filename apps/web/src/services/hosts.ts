// What operators see of the hosts: services (with up/down from heartbeats) and hypervisors (compute
// nodes with capacity and usage). Admin only, as Nova's defaults.
import {
  deleteService as deleteServiceContract,
  listHypervisors as listHypervisorsContract,
  listServices as listServicesContract,
  RpcError,
  updateService as updateServiceContract,
  type ComputeNode,
  type Service,
} from "@nimbus/rpc";
import { authorize, busContext, type ServiceContext } from "./context";

export interface ServiceFilter {
  host?: string;
  binary?: string;
}

export async function listServices(
  ctx: ServiceContext,
  filter: ServiceFilter = {},
): Promise<Service[]> {
  authorize(ctx, "services:read");
  const { services } = await ctx.bus.call(listServicesContract, filter, {
    ctx: busContext(ctx),
  });
  return services;
}

/** A service by its uuid (API ≥ 2.53) or integer id. */
export type ServiceRef = string | number;

export interface ServiceChanges {
  disabled?: boolean;
  disabledReason?: string | null;
  forcedDown?: boolean;
}

export async function updateService(
  ctx: ServiceContext,
  ref: ServiceRef,
  changes: ServiceChanges,
): Promise<Service> {
  authorize(ctx, "services:write");
  const service = await ctx.bus.call(
    updateServiceContract,
    { ref, ...changes },
    { ctx: busContext(ctx) },
  );
  ctx.log.info({ host: service.host, binary: service.binary, ...changes }, "service updated");
  return service;
}

/** Refused (`conflict`) while the host still has servers. */
export async function deleteService(ctx: ServiceContext, ref: ServiceRef): Promise<void> {
  authorize(ctx, "services:write");
  await ctx.bus.call(deleteServiceContract, { ref }, { ctx: busContext(ctx) });
  ctx.log.info({ ref }, "service deleted");
}

/** One service by host and binary (the pre-2.53 way of naming one). */
export async function findService(
  ctx: ServiceContext,
  host: string,
  binary: string,
): Promise<Service> {
  const [service] = await listServices(ctx, { host, binary });
  if (!service) {
    throw new RpcError("not_found", `Could not find binary ${binary} on host ${host}.`);
  }
  return service;
}

export type Hypervisor = ComputeNode & { servers?: { uuid: string; name: string }[] };

export interface HypervisorQuery {
  /** a substring of the hypervisor hostname */
  hostnamePattern?: string;
  withServers?: boolean;
  limit?: number;
  marker?: string;
}

export async function listHypervisors(
  ctx: ServiceContext,
  query: HypervisorQuery = {},
): Promise<Hypervisor[]> {
  authorize(ctx, "hypervisors:read");
  const { hypervisors } = await ctx.bus.call(listHypervisorsContract, query, {
    ctx: busContext(ctx),
  });
  return hypervisors;
}

/** One hypervisor by uuid or integer id; `not_found` when there is none. */
export async function getHypervisor(
  ctx: ServiceContext,
  ref: string | number,
  withServers = false,
): Promise<Hypervisor> {
  authorize(ctx, "hypervisors:read");
  const { hypervisors } = await ctx.bus.call(
    listHypervisorsContract,
    { ref, withServers },
    { ctx: busContext(ctx) },
  );
  const hypervisor = hypervisors[0];
  if (!hypervisor) {
    throw new RpcError("not_found", `Hypervisor with ID '${ref}' could not be found.`);
  }
  return hypervisor;
}

/** Nova's host_status values; "" when the server has no host. */
export type HostStatus = "UP" | "DOWN" | "MAINTENANCE" | "UNKNOWN" | "";

/**
 * The status of every compute host, as Nova derives a server's `host_status` from its host's
 * compute service: forced down → DOWN, disabled → MAINTENANCE, else UP while it heartbeats.
 */
export async function hostStatuses(ctx: ServiceContext): Promise<Map<string, HostStatus>> {
  authorize(ctx, "servers:show:host_status");
  const { services } = await ctx.bus.call(
    listServicesContract,
    { binary: "nova-compute" },
    { ctx: busContext(ctx) },
  );
  return new Map(services.map((s) => [s.host, hostStatusOf(s)]));
}

export function hostStatusOf(service: Service): HostStatus {
  if (service.forcedDown) return "DOWN";
  if (service.disabled) return "MAINTENANCE";
  return service.up ? "UP" : "UNKNOWN";
}
