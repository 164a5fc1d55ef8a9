// Availability zones, as Nova derives them from the services: every compute host is in
// NIMBUS_DEFAULT_AVAILABILITY_ZONE, every other service in "internal".
import { listServices, type Service } from "@nimbus/rpc";
import { authorize, busContext, type ServiceContext } from "./context";

/** Every service with its zone; the zone list (admins also see the hosts) is built from it. */
export async function zoneServices(ctx: ServiceContext, detail: boolean): Promise<Service[]> {
  authorize(ctx, detail ? "availability_zones:detail" : "availability_zones:index");
  const { services } = await ctx.bus.call(listServices, {}, { ctx: busContext(ctx) });
  return services;
}
