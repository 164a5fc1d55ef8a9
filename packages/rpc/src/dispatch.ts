// The receiving side, shared by both transports: decode, check, run the handler, and decide what
// happens to the message. The transport then acks, replies, requeues or dead-letters.
import type { Logger } from "pino";
import { z } from "zod";
import type { EventHandler, Handler, HandlerMeta } from "./bus.js";
import { contextFromHeaders } from "./context.js";
import { accepts } from "./contract.js";
import { notifications } from "./contracts.js";
import { headers, issuesOf, type ReplyBody } from "./envelope.js";
import { isRetryable, RpcError, toWireError, type JsonValue } from "./errors.js";

/** Split a server's handlers by kind, refusing ones that belong to another service. */
export function indexHandlers(
  service: string,
  handlers: Handler[],
): { calls: Map<string, Handler>; casts: Map<string, Handler> } {
  const calls = new Map<string, Handler>();
  const casts = new Map<string, Handler>();
  for (const h of handlers) {
    if (h.contract.service !== service) {
      throw new Error(`${h.contract.key} belongs to ${h.contract.service}, not ${service}`);
    }
    const map = h.contract.kind === "call" ? calls : casts;
    if (map.has(h.contract.key)) throw new Error(`two handlers for ${h.contract.key}`);
    map.set(h.contract.key, h);
  }
  return { calls, casts };
}

export interface Inbound {
  /** call: someone waits for a reply; cast: from a work queue; fanout: a copy for this instance. */
  kind: "call" | "cast" | "fanout";
  messageId: string;
  type: string;
  headers: Record<string, unknown>;
  body: Buffer;
  redelivered: boolean;
  deliveryCount: number;
}

export type Outcome =
  /** Done; for a call, `reply` goes back to the caller (absent when nobody waits any more). */
  | { action: "ack"; reply?: ReplyBody }
  /** `error` is what the handler threw, if it threw (the in-memory bus rethrows it). */
  | { action: "retry"; reason: string; error?: unknown }
  | { action: "dead-letter"; reason: string; error?: unknown };

export interface DispatchOptions {
  logger: Logger;
  /** Deliveries a cast gets before it is dead-lettered. */
  maxDeliveries: number;
}

export async function dispatch(
  msg: Inbound,
  handlers: ReadonlyMap<string, Handler>,
  { logger: base, maxDeliveries }: DispatchOptions,
): Promise<Outcome> {
  const started = performance.now();
  const context = contextFromHeaders(msg.headers);
  const logger = base.child({
    requestId: context.ok ? context.ctx.requestId : undefined,
    message: msg.type,
    messageId: msg.messageId,
  });

  // A message that can never be handled: the caller gets a typed error, a cast goes to the DLQ.
  const refuse = (reason: string, details?: JsonValue): Outcome => {
    logger.warn({ reason }, "message refused");
    return msg.kind === "call"
      ? {
          action: "ack",
          reply: { ok: false, error: { code: "invalid", message: reason, details } },
        }
      : { action: "dead-letter", reason };
  };

  if (!context.ok) return refuse(context.reason);
  if (!msg.messageId) return refuse("no message id");
  const h = handlers.get(msg.type);
  if (!h) return refuse(`no handler for ${msg.type}`);
  const version = String(msg.headers[headers.version] ?? "");
  if (!accepts(h.contract.version, version)) {
    return refuse(`${msg.type} version ${version || "(none)"} is not supported`, {
      supported: h.contract.version,
    });
  }
  const deadline = Number(msg.headers[headers.deadline]);
  if (msg.kind === "call" && Number.isFinite(deadline) && Date.now() > deadline) {
    logger.warn("call expired before it was handled; dropped");
    return { action: "ack" };
  }
  let json: unknown;
  try {
    json = JSON.parse(msg.body.toString("utf8"));
  } catch {
    return refuse("body is not JSON");
  }
  const payload = h.contract.request.safeParse(json);
  if (!payload.success) {
    return refuse(`invalid payload: ${z.prettifyError(payload.error)}`, {
      issues: issuesOf(payload.error),
    });
  }

  const meta: HandlerMeta = {
    ctx: context.ctx,
    messageId: msg.messageId,
    redelivered: msg.redelivered,
    deliveryCount: msg.deliveryCount,
    version,
    logger,
  };
  try {
    const result = await h.fn(payload.data, meta);
    const ms = Number((performance.now() - started).toFixed(2));
    if (h.contract.kind === "cast") {
      logger.debug({ ms }, "handled");
      return { action: "ack" };
    }
    const reply = h.contract.reply.safeParse(result);
    if (!reply.success) {
      logger.error(
        { issues: issuesOf(reply.error) },
        "handler returned a reply outside its contract",
      );
      return { action: "ack", reply: { ok: false, error: toWireError(undefined) } };
    }
    logger.debug({ ms }, "handled");
    return { action: "ack", reply: { ok: true, reply: reply.data } };
  } catch (err) {
    const outcome = failed(msg, err, maxDeliveries);
    // Typed errors are answers; anything else is a bug or an outage and is logged with its stack.
    if (err instanceof RpcError)
      logger.info({ code: err.code, outcome: outcome.action }, err.message);
    else if (outcome.action === "retry") logger.warn({ err }, "handler failed; will retry");
    else logger.error({ err }, "handler failed");
    return outcome;
  }
}

function failed(msg: Inbound, err: unknown, maxDeliveries: number): Outcome {
  if (msg.kind === "call") return { action: "ack", reply: { ok: false, error: toWireError(err) } };
  const why = err instanceof RpcError ? `${err.code}: ${err.message}` : String(err);
  const attempts = msg.deliveryCount + 1;
  if (msg.kind === "cast" && isRetryable(err) && attempts < maxDeliveries) {
    return { action: "retry", reason: why, error: err };
  }
  return {
    action: "dead-letter",
    reason: `failed after ${attempts} attempt(s): ${why}`,
    error: err,
  };
}

const byEvent = new Map(notifications.map((n) => [n.event as string, n]));

/**
 * Deliver a notification to a subscriber. Events are informational: one that does not fit, or whose
 * handler fails, is logged and dropped rather than blocking the subscriber's queue.
 */
export async function dispatchEvent(msg: Inbound, fn: EventHandler, base: Logger): Promise<void> {
  const context = contextFromHeaders(msg.headers);
  const logger = base.child({
    requestId: context.ok ? context.ctx.requestId : undefined,
    event: msg.type,
    messageId: msg.messageId,
  });
  const contract = byEvent.get(msg.type);
  const version = String(msg.headers[headers.version] ?? "");
  let problem: string | undefined;
  let payload: unknown;
  if (!context.ok) problem = context.reason;
  else if (!contract) problem = `unknown event type ${msg.type}`;
  else if (!accepts(contract.version, version)) problem = `unsupported version ${version}`;
  else {
    try {
      const parsed = contract.payload.safeParse(JSON.parse(msg.body.toString("utf8")));
      if (parsed.success) payload = parsed.data;
      else problem = `invalid payload: ${z.prettifyError(parsed.error)}`;
    } catch {
      problem = "body is not JSON";
    }
  }
  if (problem !== undefined || !context.ok) {
    logger.warn({ reason: problem }, "event dropped");
    return;
  }
  try {
    await fn({ type: msg.type, version, payload } as Parameters<EventHandler>[0], {
      ctx: context.ctx,
      messageId: msg.messageId,
      logger,
    });
  } catch (err) {
    logger.error({ err }, "event handler failed");
  }
}
