// /os-availability-zone[/detail]: the zones of the enabled services, as
// nova/api/openstack/compute/availability_zone.py derives them. The plain list leaves out the
// internal zone (where the non-compute services live); the detail (admins) shows every host's
// services in each zone.
import type { Service } from "@nimbus/rpc";
import { zoneServices } from "../../services/availability-zones";
import type { RouteModule } from "../app";
import type { ComputeEnv } from "../context";
import { serviceContext } from "../service-context";
import { perfectTimeOrNull } from "./format";
import { queryParams } from "./query-params";

const INTERNAL_ZONE = "internal";

/** Zones with an enabled service are available; zones with disabled services only are not. */
function zonesOf(services: Service[]) {
  const available = new Set(services.filter((s) => !s.disabled).map((s) => s.zone));
  const unavailable = new Set(
    services.filter((s) => s.disabled && !available.has(s.zone)).map((s) => s.zone),
  );
  return { available: [...available].sort(), unavailable: [...unavailable].sort() };
}

export function availabilityZonesView(services: Service[]) {
  const { available, unavailable } = zonesOf(services);
  const zone = (zoneName: string, ok: boolean) => ({
    zoneName,
    zoneState: { available: ok },
    hosts: null,
  });
  return {
    availabilityZoneInfo: [
      ...available.filter((z) => z !== INTERNAL_ZONE).map((z) => zone(z, true)),
      ...unavailable.filter((z) => z !== INTERNAL_ZONE).map((z) => zone(z, false)),
    ],
  };
}

export function availabilityZonesDetailView(services: Service[]) {
  const { available, unavailable } = zonesOf(services);
  const hosts = (zoneName: string) => {
    const out: Record<string, Record<string, unknown>> = {};
    for (const s of services) {
      if (s.disabled || s.zone !== zoneName) continue;
      (out[s.host] ??= {})[s.binary] = {
        available: s.up && !s.forcedDown,
        active: true,
        updated_at: perfectTimeOrNull(s.lastSeenUp ?? s.updatedAt),
      };
    }
    return out;
  };
  return {
    availabilityZoneInfo: [
      ...available.map((z) => ({ zoneName: z, zoneState: { available: true }, hosts: hosts(z) })),
      ...unavailable.map((z) => ({ zoneName: z, zoneState: { available: false }, hosts: null })),
    ],
  };
}

export const availabilityZones: RouteModule<ComputeEnv> = (r, deps) => {
  r.get("/os-availability-zone", async (c) => {
    queryParams(c.req.queries(), [], c.var.microversion, "2.102");
    const services = await zoneServices(serviceContext(c, deps), false);
    return c.json(availabilityZonesView(services));
  });

  r.get("/os-availability-zone/detail", async (c) => {
    queryParams(c.req.queries(), [], c.var.microversion, "2.102");
    const services = await zoneServices(serviceContext(c, deps), true);
    return c.json(availabilityZonesDetailView(services));
  });
};
