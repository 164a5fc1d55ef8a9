// The bus interface shared by the AMQP transport and the in-memory one, so workers are written once
// and tested fast in memory, then for real.
import type { Logger } from "pino";
import type { z } from "zod";
import type { RequestContext } from "./context.js";
import type { CallContract, CastContract, NotificationContract } from "./contract.js";
import type { NotificationEvent } from "./contracts.js";

export interface HandlerMeta {
  ctx: RequestContext;
  /** Unique per message and kept across redeliveries and producer retries: the dedupe key. */
  messageId: string;
  /** The broker delivered this message before (to this or another consumer). */
  redelivered: boolean;
  /** Earlier deliveries that failed or were lost (0 on the first). */
  deliveryCount: number;
  /** The version the sender used (same major as the handler's, minor ≤ its own). */
  version: string;
  /** Bound to the requestId and the message name. */
  logger: Logger;
}

export type CallHandlerFn<C extends CallContract> = (
  payload: z.output<C["request"]>,
  meta: HandlerMeta,
) => Promise<z.input<C["reply"]>> | z.input<C["reply"]>;

export type CastHandlerFn<C extends CastContract> = (
  payload: z.output<C["request"]>,
  meta: HandlerMeta,
) => Promise<void> | void;

export interface Handler {
  readonly contract: CallContract | CastContract;
  readonly fn: (payload: unknown, meta: HandlerMeta) => unknown;
}

export function handler<C extends CallContract>(contract: C, fn: CallHandlerFn<C>): Handler;
export function handler<C extends CastContract>(contract: C, fn: CastHandlerFn<C>): Handler;
export function handler(
  contract: CallContract | CastContract,
  fn: (payload: never, meta: HandlerMeta) => unknown,
): Handler {
  return { contract, fn: fn as Handler["fn"] };
}

export interface SendOptions {
  ctx: RequestContext;
  /** Send to one host's queue (`<service>.<host>`) instead of any instance of the service. */
  host?: string;
}

export interface CallOptions extends SendOptions {
  /** How long to wait for the reply; then the call fails with `timeout`. Default 60 s. */
  timeoutMs?: number;
}

export interface CastOptions extends SendOptions {
  /**
   * How long to keep trying to hand the message to the broker (through reconnects and refusals)
   * before failing with `unavailable`. Default 30 s.
   */
  timeoutMs?: number;
}

export interface ServeTarget {
  service: string;
  /** Also consume `<service>.<host>`. Defaults to the bus's own host. */
  host?: string;
}

export interface Server {
  /** Stop consuming and wait for the handlers in flight. */
  close(): Promise<void>;
}

export interface EventMeta {
  ctx: RequestContext;
  messageId: string;
  logger: Logger;
}

export type EventHandler = (event: NotificationEvent, meta: EventMeta) => Promise<void> | void;

export interface Subscription {
  close(): Promise<void>;
}

export interface Bus {
  readonly service: string;
  readonly host: string;
  /** Whether the bus can send right now (always true in memory). */
  readonly connected: boolean;

  call<C extends CallContract>(
    contract: C,
    payload: z.input<C["request"]>,
    options: CallOptions,
  ): Promise<z.output<C["reply"]>>;
  /** Resolves once the broker has the message (publisher confirm). */
  cast<C extends CastContract>(
    contract: C,
    payload: z.input<C["request"]>,
    options: CastOptions,
  ): Promise<void>;
  /** To every running instance of the contract's service; instances that are down miss it. */
  fanout<C extends CastContract>(
    contract: C,
    payload: z.input<C["request"]>,
    options: Omit<CastOptions, "host">,
  ): Promise<void>;
  serve(target: ServeTarget, handlers: Handler[]): Promise<Server>;

  publish<N extends NotificationContract>(
    notification: N,
    payload: z.input<N["payload"]>,
    options: { ctx: RequestContext },
  ): Promise<void>;
  /** Patterns are AMQP topic patterns over event types: `instance.*`, `#`. */
  subscribe(patterns: string[], fn: EventHandler): Promise<Subscription>;

  /** Stop consuming, let handlers in flight finish, then disconnect. */
  close(): Promise<void>;

  on(event: "connected" | "disconnected", listener: () => void): this;
  off(event: "connected" | "disconnected", listener: () => void): this;
}
