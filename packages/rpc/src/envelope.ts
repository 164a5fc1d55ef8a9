// What a message looks like on the wire, independent of the transport: a JSON body, the message
// type and version, and the request context in headers. Both transports encode and decode here.
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { contextToHeaders, type RequestContext } from "./context.js";
import type { CallContract, Contract } from "./contract.js";
import { contractKey } from "./contract.js";
import { RpcError, wireErrorSchema } from "./errors.js";

export const headers = {
  version: "x-nimbus-version",
  /** Epoch ms after which the caller no longer waits for the reply. */
  deadline: "x-nimbus-deadline",
  /** Set on messages the bus dead-letters itself: why, from which queue, after how many tries. */
  deathReason: "x-nimbus-death-reason",
  deathQueue: "x-nimbus-death-queue",
  attempts: "x-nimbus-attempts",
} as const;

export interface OutboundMessage {
  messageId: string;
  /** `service.name` for calls and casts, the event type for notifications. */
  type: string;
  headers: Record<string, unknown>;
  body: Buffer;
}

function schemaOf(contract: Contract): z.ZodType {
  return contract.kind === "notification" ? contract.payload : contract.request;
}

/** Issues as plain JSON a client may see (paths and messages, no input values). */
export function issuesOf(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
}

/** Validate and encode a message. A payload that does not fit its contract is never sent. */
export function encodeMessage(
  contract: Contract,
  payload: unknown,
  ctx: RequestContext,
): OutboundMessage {
  const parsed = schemaOf(contract).safeParse(payload);
  if (!parsed.success) {
    throw new RpcError("invalid", `invalid ${contractKey(contract)} message`, {
      issues: issuesOf(parsed.error),
    });
  }
  return {
    messageId: randomUUID(),
    type: contractKey(contract),
    headers: { ...contextToHeaders(ctx), [headers.version]: contract.version },
    body: Buffer.from(JSON.stringify(parsed.data)),
  };
}

export type ReplyBody =
  { ok: true; reply: unknown } | { ok: false; error: z.infer<typeof wireErrorSchema> };

const replyBodySchema = z.discriminatedUnion("ok", [
  z.object({ ok: z.literal(true), reply: z.unknown() }),
  z.object({ ok: z.literal(false), error: wireErrorSchema }),
]);

export function encodeReply(reply: ReplyBody): Buffer {
  return Buffer.from(JSON.stringify(reply));
}

/** The caller's side: a typed reply, or the typed error the handler sent back. */
export function decodeReply<C extends CallContract>(
  contract: C,
  body: Buffer,
): z.output<C["reply"]> {
  let json: unknown;
  try {
    json = JSON.parse(body.toString("utf8"));
  } catch {
    throw new RpcError("internal", `unreadable reply to ${contract.key}`);
  }
  const envelope = replyBodySchema.safeParse(json);
  if (!envelope.success) throw new RpcError("internal", `malformed reply to ${contract.key}`);
  if (!envelope.data.ok) throw RpcError.fromWire(envelope.data.error);
  const reply = contract.reply.safeParse(envelope.data.reply);
  if (!reply.success) {
    throw new RpcError("internal", `reply to ${contract.key} does not match its contract`, {
      issues: issuesOf(reply.error),
    });
  }
  return reply.data as z.output<C["reply"]>;
}
