// The bus in one process, for fast unit tests of the workers. Messages still go through the same
// encoding, validation, version checks and dispatch as on RabbitMQ; only the broker is missing.
import { EventEmitter } from "node:events";
import { pino, type Logger } from "pino";
import type { z } from "zod";
import type {
  Bus,
  CallOptions,
  CastOptions,
  EventHandler,
  Handler,
  Server,
  ServeTarget,
  Subscription,
} from "../bus.js";
import type { RequestContext } from "../context.js";
import type { CallContract, CastContract, NotificationContract } from "../contract.js";
import { dispatch, dispatchEvent, indexHandlers, type Inbound } from "../dispatch.js";
import {
  decodeReply,
  encodeMessage,
  encodeReply,
  headers as H,
  type OutboundMessage,
} from "../envelope.js";
import { RpcError } from "../errors.js";
import { queueNames } from "./topology.js";

export interface MemoryBusOptions {
  /**
   * Run one-way messages (cast, fanout, publish) to completion before the send resolves, and
   * rethrow a cast handler's error to the sender — Nova's cast_as_call fixture.
   */
  castsAsCalls?: boolean;
  service?: string;
  host?: string;
  logger?: Logger;
  maxDeliveries?: number;
}

export interface DeadLetter {
  queue: string;
  messageId: string;
  type: string;
  reason: string;
  attempts: number;
  body: unknown;
}

export interface MemoryBus extends Bus {
  /** Casts that failed `maxDeliveries` times or could never be handled, with the reason. */
  readonly deadLetters: readonly DeadLetter[];
  /** Resolves once no message is being handled or waiting to be. */
  idle(): Promise<void>;
}

interface Consumer {
  host: string;
  calls: Map<string, Handler>;
  casts: Map<string, Handler>;
  inflight: Set<Promise<unknown>>;
}

export function createMemoryBus(options: MemoryBusOptions = {}): MemoryBus {
  return new InMemoryBus(options);
}

class InMemoryBus extends EventEmitter implements MemoryBus {
  readonly service: string;
  readonly host: string;
  readonly connected = true;
  readonly deadLetters: DeadLetter[] = [];
  private readonly logger: Logger;
  private readonly castsAsCalls: boolean;
  private readonly maxDeliveries: number;
  /** Consumers by queue name, with a round-robin cursor as RabbitMQ spreads deliveries. */
  private readonly queues = new Map<string, { consumers: Consumer[]; next: number }>();
  private readonly fanouts = new Map<string, Consumer[]>();
  private readonly subs = new Set<{ patterns: string[]; fn: EventHandler }>();
  private readonly work = new Set<Promise<unknown>>();
  private closed = false;

  constructor(options: MemoryBusOptions) {
    super();
    this.service = options.service ?? "test";
    this.host = options.host ?? "memory";
    this.logger = options.logger ?? pino({ level: "silent" });
    this.castsAsCalls = options.castsAsCalls ?? false;
    this.maxDeliveries = options.maxDeliveries ?? 5;
  }

  private pick(queue: string): Consumer {
    const q = this.queues.get(queue);
    if (!q || q.consumers.length === 0)
      throw new RpcError("unavailable", `nothing serves ${queue}`);
    return q.consumers[q.next++ % q.consumers.length]!;
  }

  private track<T>(p: Promise<T>, consumer?: Consumer): Promise<T> {
    this.work.add(p);
    consumer?.inflight.add(p);
    const forget = () => {
      this.work.delete(p);
      consumer?.inflight.delete(p);
    };
    p.then(forget, forget);
    return p;
  }

  private open(): void {
    if (this.closed) throw new RpcError("unavailable", "the bus is closed");
  }

  async call<C extends CallContract>(
    contract: C,
    payload: z.input<C["request"]>,
    options: CallOptions,
  ): Promise<z.output<C["reply"]>> {
    this.open();
    const msg = encodeMessage(contract, payload, options.ctx);
    const timeoutMs = options.timeoutMs ?? 60_000;
    msg.headers[H.deadline] = Date.now() + timeoutMs;
    const consumer = this.pick(queueNames.call(contract.service, options.host));
    const handled = this.track(
      dispatch(inbound("call", msg, 0), consumer.calls, this.dispatchOptions()),
      consumer,
    );
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(new RpcError("timeout", `${contract.key} got no reply within ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    try {
      const outcome = await Promise.race([handled, timedOut]);
      if (outcome.action !== "ack" || !outcome.reply) {
        throw new RpcError("internal", `${contract.key} was not answered (${outcome.action})`);
      }
      return decodeReply(contract, encodeReply(outcome.reply));
    } finally {
      clearTimeout(timer);
    }
  }

  async cast<C extends CastContract>(
    contract: C,
    payload: z.input<C["request"]>,
    options: CastOptions,
  ): Promise<void> {
    this.open();
    const msg = encodeMessage(contract, payload, options.ctx);
    const queue = queueNames.cast(contract.service, options.host);
    // Unroutable fails the send at once, as a mandatory publish does on RabbitMQ.
    if (!this.queues.get(queue)?.consumers.length) {
      throw new RpcError("unavailable", `nothing serves ${queue}`);
    }
    await this.send(msg, "cast", queue, () => this.pick(queue));
  }

  async fanout<C extends CastContract>(
    contract: C,
    payload: z.input<C["request"]>,
    options: Omit<CastOptions, "host">,
  ): Promise<void> {
    this.open();
    const msg = encodeMessage(contract, payload, options.ctx);
    const key = queueNames.fanoutDeadLetterKey(contract.service);
    await Promise.all(
      (this.fanouts.get(contract.service) ?? []).map((c) => this.send(msg, "fanout", key, () => c)),
    );
  }

  /** Deliver a one-way message, with the AMQP transport's retries and dead-lettering. */
  private async send(
    msg: OutboundMessage,
    kind: "cast" | "fanout",
    queue: string,
    next: () => Consumer,
  ): Promise<void> {
    const deliver = async (): Promise<void> => {
      for (let count = 0; ; count++) {
        let consumer: Consumer;
        try {
          consumer = next();
        } catch {
          // Every consumer left since the send: the message waits in its queue on RabbitMQ.
          return this.deadLetter(msg, queue, "no consumer left", count);
        }
        const outcome = await this.track(
          dispatch(inbound(kind, msg, count), consumer.casts, this.dispatchOptions()),
          consumer,
        );
        if (outcome.action === "ack") return;
        if (this.castsAsCalls && outcome.error !== undefined) throw outcome.error;
        if (outcome.action === "dead-letter") {
          return this.deadLetter(msg, queue, outcome.reason, count + 1);
        }
      }
    };
    if (this.castsAsCalls) return deliver();
    // Like the broker: the send is done once the message is queued; handling happens later.
    this.later(deliver);
  }

  /** Run after the current turn, as a broker delivery would, and let idle() wait for it. */
  private later(fn: () => Promise<void>): void {
    void this.track(new Promise((resolve) => setImmediate(resolve)).then(fn)).catch(
      (err: unknown) => this.logger.error({ err }, "delivery failed"),
    );
  }

  private deadLetter(msg: OutboundMessage, queue: string, reason: string, attempts: number): void {
    this.logger.warn({ messageId: msg.messageId, queue, reason }, "message dead-lettered");
    this.deadLetters.push({
      queue,
      messageId: msg.messageId,
      type: msg.type,
      reason,
      attempts,
      body: JSON.parse(msg.body.toString("utf8")),
    });
  }

  async publish<N extends NotificationContract>(
    notification: N,
    payload: z.input<N["payload"]>,
    options: { ctx: RequestContext },
  ): Promise<void> {
    this.open();
    const msg = encodeMessage(notification, payload, options.ctx);
    const deliveries = [...this.subs]
      .filter((s) => s.patterns.some((p) => topicMatches(p, notification.event)))
      .map((s) => async () => {
        await dispatchEvent(inbound("fanout", msg, 0), s.fn, this.logger);
      });
    if (this.castsAsCalls) {
      await Promise.all(deliveries.map((d) => d()));
      return;
    }
    for (const d of deliveries) this.later(d);
  }

  async subscribe(patterns: string[], fn: EventHandler): Promise<Subscription> {
    this.open();
    if (patterns.length === 0) throw new Error("subscribe needs at least one pattern");
    const sub = { patterns, fn };
    this.subs.add(sub);
    return {
      close: async () => {
        this.subs.delete(sub);
      },
    };
  }

  async serve(target: ServeTarget, handlers: Handler[]): Promise<Server> {
    this.open();
    const consumer: Consumer = {
      host: target.host ?? this.host,
      ...indexHandlers(target.service, handlers),
      inflight: new Set(),
    };
    const { service } = target;
    const queues: string[] = [];
    if (consumer.calls.size > 0) {
      queues.push(queueNames.call(service), queueNames.call(service, consumer.host));
    }
    if (consumer.casts.size > 0) {
      queues.push(queueNames.cast(service), queueNames.cast(service, consumer.host));
      this.fanouts.set(service, [...(this.fanouts.get(service) ?? []), consumer]);
    }
    for (const q of queues) {
      const entry = this.queues.get(q) ?? { consumers: [], next: 0 };
      entry.consumers.push(consumer);
      this.queues.set(q, entry);
    }
    let stopped = false;
    return {
      close: async () => {
        if (stopped) return;
        stopped = true;
        for (const q of queues) {
          const entry = this.queues.get(q)!;
          entry.consumers = entry.consumers.filter((c) => c !== consumer);
        }
        this.fanouts.set(
          service,
          (this.fanouts.get(service) ?? []).filter((c) => c !== consumer),
        );
        await Promise.allSettled([...consumer.inflight]);
      },
    };
  }

  async idle(): Promise<void> {
    // Handlers may send more messages while we wait, so loop until nothing is left.
    while (this.work.size > 0) await Promise.allSettled([...this.work]);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.idle();
  }

  private dispatchOptions() {
    return { logger: this.logger, maxDeliveries: this.maxDeliveries };
  }
}

function inbound(kind: Inbound["kind"], msg: OutboundMessage, deliveryCount: number): Inbound {
  return {
    kind,
    messageId: msg.messageId,
    type: msg.type,
    headers: msg.headers,
    body: msg.body,
    redelivered: deliveryCount > 0,
    deliveryCount,
  };
}

/** AMQP topic matching: words split on ".", `*` is exactly one word, `#` zero or more. */
export function topicMatches(pattern: string, key: string): boolean {
  const match = (p: string[], k: string[]): boolean => {
    if (p.length === 0) return k.length === 0;
    const [head, ...rest] = p;
    if (head === "#") return match(rest, k) || (k.length > 0 && match(p, k.slice(1)));
    return k.length > 0 && (head === "*" || head === k[0]) && match(rest, k.slice(1));
  };
  return match(pattern.split("."), key.split("."));
}
