// What the hosts could still take, without saying which hosts: each usable compute node (service up,
// enabled, not forced down) as an anonymous slot, computed as the scheduler's filters compute it
// (total × allocation ratio − used, and never more than the node has for one instance). The launch
// wizard uses it to grey out flavors no host can take; host names stay an admin's business.
import { listHypervisors as listHypervisorsContract } from "@nimbus/rpc";
import type { HostSlot } from "../dashboard/fit";
import { authorize, busContext, type ServiceContext } from "./context";

export async function hostSlots(ctx: ServiceContext): Promise<HostSlot[]> {
  // Whoever may launch in the project may know whether a flavor fits somewhere.
  authorize(ctx, "servers:create");
  const { hypervisors } = await ctx.bus.call(listHypervisorsContract, {}, { ctx: busContext(ctx) });
  return hypervisors
    .filter((n) => n.service.up && !n.service.disabled && !n.service.forcedDown)
    .map((n) => ({
      zone: n.availabilityZone,
      vcpus: Math.min(n.vcpus, Math.floor(n.vcpus * n.cpuAllocationRatio) - n.vcpusUsed),
      ramMb: Math.min(n.memoryMb, Math.floor(n.memoryMb * n.ramAllocationRatio) - n.memoryMbUsed),
      diskGb: Math.min(n.localGb, Math.floor(n.localGb * n.diskAllocationRatio) - n.localGbUsed),
    }));
}
