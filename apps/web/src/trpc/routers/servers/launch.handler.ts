// The launch wizard's create: the same service call as POST /servers, all-or-nothing for a count
// (min = max), so the quota projection the wizard showed is what happens.
import type { z } from "zod";
import type { ServiceContext } from "../../../services/context";
import { createServers } from "../../../services/servers";
import type { LaunchInput, launchOutput } from "./launch.schema";

export async function launchHandler(
  svc: ServiceContext,
  input: LaunchInput,
): Promise<z.output<typeof launchOutput>> {
  const created = await createServers(svc, {
    name: input.name,
    imageRef: input.imageRef,
    flavorRef: input.flavorRef,
    minCount: input.count,
    maxCount: input.count,
    availabilityZone: input.availabilityZone,
    forceHost: null,
    keyName: input.keyName,
    metadata: input.metadata,
    userData: null,
    description: input.description,
    hostname: null,
    serverGroup: input.serverGroup,
    schedulerHints: input.serverGroup ? { group: [input.serverGroup] } : {},
    accessIpV4: null,
    accessIpV6: null,
  });
  return { reservationId: created.reservationId, ids: created.servers.map((s) => s.uuid) };
}
