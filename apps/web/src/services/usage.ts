// os-simple-tenant-usage: what servers ran, and for how long, in a window of time. Deleted servers
// count for the time they ran.
import { listUsage, RpcError, type UsageInstance } from "@nimbus/rpc";
import { authorize, busContext, type ServiceContext } from "./context";

export interface UsageInput {
  /** one project's (project_reader there), or every project's (admins) when absent */
  projectId?: string;
  start: Date;
  end: Date;
  limit: number;
  /** the uuid of the last server of the previous page */
  marker?: string;
}

export async function usageInstances(
  ctx: ServiceContext,
  input: UsageInput,
): Promise<UsageInstance[]> {
  if (input.projectId === undefined) authorize(ctx, "usage:list");
  else authorize(ctx, "usage:show", input.projectId);
  if (input.projectId !== undefined && input.projectId.length > 32) return [];
  const markerIsUuid = input.marker === undefined || /^[0-9a-f-]{36}$/i.test(input.marker);
  if (!markerIsUuid) throw new RpcError("invalid", `Marker ${input.marker} could not be found.`);
  const { instances } = await ctx.bus.call(
    listUsage,
    {
      projectId: input.projectId ?? null,
      start: input.start.toISOString(),
      end: input.end.toISOString(),
      limit: input.limit,
      ...(input.marker !== undefined && { marker: input.marker.toLowerCase() }),
    },
    { ctx: busContext(ctx) },
  );
  return instances;
}
