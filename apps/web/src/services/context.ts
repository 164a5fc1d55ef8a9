// The caller of a service function, and the policy checks every service applies. REST and tRPC
// both build a ServiceContext per request, so both get the same answers, refusals included.
import { RpcError, type Bus, type RequestContext as BusContext } from "@nimbus/rpc";
import { allowed, isAdmin, type PolicyName } from "@nimbus/rpc/domain";
import type { Logger } from "../logger";

export interface ServiceContext {
  /** The process's one long-lived bus connection. */
  bus: Bus;
  /** Bound to the request id. */
  log: Logger;
  requestId: string;
  userId: string;
  projectId: string;
  /** Keystone role names, implied roles included. */
  roles: readonly string[];
  isAdmin: boolean;
}

/** What travels in every message's headers: who asks and the request id, never a token. */
export function busContext(ctx: ServiceContext): BusContext {
  return {
    requestId: ctx.requestId,
    userId: ctx.userId,
    projectId: ctx.projectId,
    roles: [...ctx.roles],
    isAdmin: isAdmin(ctx),
  };
}

/** The project the conductor scopes lookups to: the caller's own, or none for an admin. */
export function projectScope(ctx: ServiceContext): string | null {
  return isAdmin(ctx) ? null : ctx.projectId;
}

/** Nova's wording for a refused policy. */
export function forbidden(policy: PolicyName): RpcError {
  return new RpcError("forbidden", `Policy doesn't allow ${policy} to be performed.`);
}

/** Refuse unless the policy allows the caller to act on `targetProjectId` (its own when omitted). */
export function authorize(
  ctx: ServiceContext,
  policy: PolicyName,
  targetProjectId?: string | null,
): void {
  if (!allowed(ctx, policy, targetProjectId)) throw forbidden(policy);
}

/**
 * Authorize an action on a resource owned by some project, as Nova orders it: a resource the
 * caller cannot see is 404 before any 403. When the policy already allows the caller in its own
 * project (the usual case) the conductor's scoped lookup does the 404 and no extra call is made;
 * otherwise the resource is looked up first to tell "not found" from "not allowed".
 */
export async function authorizeOn(
  ctx: ServiceContext,
  policy: PolicyName,
  lookup: () => Promise<{ projectId: string }>,
): Promise<void> {
  if (allowed(ctx, policy, ctx.projectId)) return;
  const { projectId } = await lookup();
  authorize(ctx, policy, projectId);
}
