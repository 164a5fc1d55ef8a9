// The request context that follows a request across every hop of the bus, in message headers.
// It names who asked, never how they proved it: no token or secret ever travels on the bus.
import { randomUUID } from "node:crypto";
import { z } from "zod";

export interface RequestContext {
  requestId: string;
  userId?: string;
  projectId?: string;
  roles?: string[];
  isAdmin?: boolean;
  /** Tokens stay at the API edge; the type makes putting one on the bus a compile error. */
  authToken?: never;
}

export const requestContextSchema = z.strictObject({
  requestId: z.string().min(1).max(128),
  userId: z.string().min(1).max(255).optional(),
  projectId: z.string().min(1).max(255).optional(),
  roles: z.array(z.string().min(1).max(255)).max(64).optional(),
  isAdmin: z.boolean().optional(),
});

/** A request id in Nova's format (`req-<uuid>`), for requests that start inside the cloud. */
export function newRequestId(): string {
  return `req-${randomUUID()}`;
}

/** A context for work a process starts on its own (periodic tasks, start-up). */
export function systemContext(): RequestContext {
  return { requestId: newRequestId(), isAdmin: true };
}

const H = {
  requestId: "x-nimbus-request-id",
  userId: "x-nimbus-user-id",
  projectId: "x-nimbus-project-id",
  roles: "x-nimbus-roles",
  isAdmin: "x-nimbus-is-admin",
} as const;

export function contextToHeaders(ctx: RequestContext): Record<string, unknown> {
  const headers: Record<string, unknown> = { [H.requestId]: ctx.requestId };
  if (ctx.userId !== undefined) headers[H.userId] = ctx.userId;
  if (ctx.projectId !== undefined) headers[H.projectId] = ctx.projectId;
  if (ctx.roles !== undefined) headers[H.roles] = ctx.roles;
  if (ctx.isAdmin !== undefined) headers[H.isAdmin] = ctx.isAdmin;
  return headers;
}

/** The context carried by a message's headers, or the reason it is not a valid one. */
export function contextFromHeaders(
  headers: Record<string, unknown>,
): { ok: true; ctx: RequestContext } | { ok: false; reason: string } {
  const raw: Record<string, unknown> = {};
  for (const [field, header] of Object.entries(H)) {
    if (headers[header] !== undefined) raw[field] = headers[header];
  }
  const parsed = requestContextSchema.safeParse(raw);
  return parsed.success
    ? { ok: true, ctx: parsed.data as RequestContext }
    : { ok: false, reason: `bad context headers: ${z.prettifyError(parsed.error)}` };
}
