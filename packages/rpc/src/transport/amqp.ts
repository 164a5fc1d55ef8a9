// The bus over RabbitMQ: one long-lived connection per process, reconnecting with backoff and
// declaring its topology again on every new connection. See docs/bus.md for the guarantees.
import { EventEmitter } from "node:events";
import amqp from "amqplib";
import type {
  Channel,
  ChannelModel,
  ConfirmChannel,
  ConsumeMessage,
  Options,
  RecoveringChannelModel,
} from "amqplib";
import type { Logger } from "pino";
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
  type ReplyBody,
} from "../envelope.js";
import { RpcError } from "../errors.js";
import { coalesceWrites } from "./coalesce.js";
import {
  declareCallQueue,
  declareCastQueue,
  declareExchanges,
  declareFanoutQueue,
  exchanges,
  queueNames,
} from "./topology.js";

export interface AmqpBusOptions {
  /** amqp://user:pass@host:port/vhost */
  url: string;
  /** This process's service (shown as the connection name and on every message it sends). */
  service: string;
  host: string;
  logger: Logger;
  /** Unacknowledged deliveries per consumer channel, i.e. handlers running at once. Default 16. */
  prefetch?: number;
  /** Deliveries a cast gets before it is dead-lettered. Default 5. */
  maxDeliveries?: number;
  /** Connection attempts at start-up before connectBus gives up (~25 s with the default 10). */
  connectRetries?: number;
  /** Cap on the reconnect backoff. Default 5 s, so a restarted broker is found quickly. */
  maxReconnectDelayMs?: number;
}

const DEFAULT_CALL_TIMEOUT_MS = 60_000;
const DEFAULT_SEND_TIMEOUT_MS = 30_000;

interface Session {
  model: ChannelModel;
  /** One confirm channel carries everything this process sends. */
  pub: ConfirmChannel;
  replyQueue: string;
  /** Ids of mandatory messages the broker returned as unroutable; their confirm follows. */
  returned: Set<string>;
  closed: boolean;
  announced: boolean;
}

interface PendingCall {
  contract: CallContract;
  resolve: (reply: unknown) => void;
  reject: (err: unknown) => void;
  session?: Session;
}

interface ServerState {
  service: string;
  host: string;
  calls: Map<string, Handler>;
  casts: Map<string, Handler>;
  attached: WeakSet<Session>;
  consumers: { ch: Channel; tag: string }[];
  inflight: Set<Promise<void>>;
  closed: boolean;
}

interface SubState {
  patterns: string[];
  fn: EventHandler;
  attached: WeakSet<Session>;
  consumer?: { ch: Channel; tag: string };
  inflight: Set<Promise<void>>;
  closed: boolean;
}

/** A send that failed for a reason that may pass: a broker refusal (nack) or a lost connection. */
class Transient extends Error {}

export async function connectBus(options: AmqpBusOptions): Promise<Bus> {
  const bus = new AmqpBus(options);
  await bus.start();
  return bus;
}

class AmqpBus extends EventEmitter implements Bus {
  readonly service: string;
  readonly host: string;
  private readonly logger: Logger;
  private readonly prefetch: number;
  private readonly maxDeliveries: number;
  private recovering?: RecoveringChannelModel;
  private session: Session | null = null;
  private readonly servers: ServerState[] = [];
  private readonly subs: SubState[] = [];
  private readonly pending = new Map<string, PendingCall>();
  private readonly waiters = new Set<{
    resolve: (s: Session) => void;
    reject: (e: Error) => void;
  }>();
  private closing = false;

  constructor(private readonly options: AmqpBusOptions) {
    super();
    this.service = options.service;
    this.host = options.host;
    this.logger = options.logger.child({ component: "bus" });
    this.prefetch = options.prefetch ?? 16;
    this.maxDeliveries = options.maxDeliveries ?? 5;
    if (this.maxDeliveries < 1) throw new Error("maxDeliveries must be at least 1");
  }

  get connected(): boolean {
    return this.session !== null;
  }

  async start(): Promise<void> {
    const url = new URL(this.options.url);
    // Notice a dead broker in seconds rather than the server's default of a minute.
    if (!url.searchParams.has("heartbeat")) url.searchParams.set("heartbeat", "10");
    const recovering = await amqp.connect(url.toString(), {
      clientProperties: { connection_name: `${this.service}@${this.host}` },
      // amqplib leaves Nagle's algorithm on; a reply followed by its ack then waits for the
      // broker's delayed TCP ack (~40 ms) — measured here, see docs/performance.md.
      noDelay: true,
      recovery: {
        initialDelay: 100,
        maxDelay: this.options.maxReconnectDelayMs ?? 5_000,
        initialMaxRetries: this.options.connectRetries ?? 10,
        setup: (model: ChannelModel) => this.setup(model),
        waitForConnect: false,
      },
    });
    this.recovering = recovering;
    recovering.on("error", (err) => this.logger.warn({ err }, "broker connection error"));
    recovering.on("connect-failed", (err) =>
      this.logger.warn({ err: err.message }, "could not connect to the broker"),
    );
    recovering.on("reconnect-scheduled", ({ attempt, delay }) =>
      this.logger.info({ attempt, delayMs: delay }, "reconnecting to the broker"),
    );
    recovering.on("reconnect-failed", (err) => {
      this.logger.error({ err }, "gave up reconnecting to the broker");
      for (const w of this.waiters) w.reject(unavailable("not connected to the broker"));
    });
    recovering.on("blocked", (reason) => this.logger.warn({ reason }, "broker blocked publishing"));
    await recovering.waitForConnect();
  }

  // --- connection lifecycle -------------------------------------------------------------------

  /** Runs on every new connection, before it is used: the whole topology and every consumer. */
  private async setup(model: ChannelModel): Promise<void> {
    if (!coalesceWrites(model))
      this.logger.warn("amqplib's socket not found: frames go one by one");
    const pub = await model.createConfirmChannel();
    const session: Session = {
      model,
      pub,
      replyQueue: "",
      returned: new Set(),
      closed: false,
      announced: false,
    };
    model.once("close", () => this.onSessionClosed(session));
    this.watch(session, pub, "publisher");
    pub.on("return", (msg: ConsumeMessage) => {
      if (msg.properties.messageId) session.returned.add(msg.properties.messageId);
    });
    await declareExchanges(pub);
    // A reply queue per process rather than direct reply-to: measured no slower, and replies then
    // arrive on a queue of our own that does not depend on which channel sent the request.
    const reply = await pub.assertQueue("", { exclusive: true, autoDelete: true, durable: false });
    session.replyQueue = reply.queue;
    await pub.consume(reply.queue, (msg) => msg && this.onReply(msg), { noAck: true });

    // Indexing (not for…of over a copy) picks up servers registered while this runs.
    for (let i = 0; i < this.servers.length; i++) {
      await this.attachServer(session, this.servers[i]!);
    }
    for (let i = 0; i < this.subs.length; i++) {
      await this.attachSub(session, this.subs[i]!);
    }

    this.session = session;
    session.announced = true;
    this.logger.info({ replyQueue: session.replyQueue }, "connected to the broker");
    for (const w of this.waiters) w.resolve(session);
    this.waiters.clear();
    this.emit("connected");
  }

  private onSessionClosed(session: Session): void {
    session.closed = true;
    if (this.session === session) this.session = null;
    // Their reply queue is gone with the connection: the replies can no longer reach us.
    for (const [id, call] of this.pending) {
      if (call.session === session) {
        this.pending.delete(id);
        call.reject(
          unavailable(`lost the broker connection while waiting for ${call.contract.key}`),
        );
      }
    }
    if (session.announced && !this.closing) {
      this.logger.warn("disconnected from the broker");
      this.emit("disconnected");
    }
  }

  /**
   * A channel the broker closes under us (a consumer cancelled because its queue was deleted, a
   * protocol error) leaves the session half-working; recycle the whole connection instead.
   */
  private watch(session: Session, ch: Channel, what: string, isExpected = () => false): void {
    ch.on("error", (err: Error) =>
      this.logger.warn({ err: err.message, channel: what }, "channel error"),
    );
    ch.on("close", () => {
      // When the connection goes, amqplib closes its channels first and then the connection, so
      // wait a turn to tell "this channel died" from "everything died".
      setImmediate(() => {
        if (!isExpected()) this.recycle(session, `${what} channel closed`);
      });
    });
  }

  /** Drop a half-broken connection; recovery then rebuilds everything on a fresh one. */
  private recycle(session: Session, why: string): void {
    if (session.closed || this.closing) return;
    this.logger.warn({ why }, "reconnecting to repair the session");
    session.model.close().catch(() => {});
  }

  private waitForSession(deadline: number): Promise<Session> {
    if (this.session) return Promise.resolve(this.session);
    if (this.closing) return Promise.reject(unavailable("the bus is closed"));
    return new Promise((resolve, reject) => {
      const waiter = {
        resolve: (s: Session) => {
          clearTimeout(timer);
          resolve(s);
        },
        reject: (e: Error) => {
          clearTimeout(timer);
          this.waiters.delete(waiter);
          reject(e);
        },
      };
      const timer = setTimeout(
        () => waiter.reject(unavailable("not connected to the broker")),
        Math.max(0, deadline - Date.now()),
      );
      this.waiters.add(waiter);
    });
  }

  // --- sending --------------------------------------------------------------------------------

  /** Publish and wait for the broker's confirm. Unroutable → RpcError; nack or lost → Transient. */
  private publishConfirmed(
    session: Session,
    exchange: string,
    routingKey: string,
    msg: OutboundMessage,
    props: Options.Publish,
  ): Promise<void> {
    return new Promise((resolve, reject) => {
      const done = (err: unknown) => {
        if (session.returned.delete(msg.messageId)) {
          reject(unavailable(`nothing serves ${routingKey}`));
        } else if (err) {
          reject(new Transient(session.closed ? "connection lost" : "refused by the broker"));
        } else resolve();
      };
      try {
        session.pub.publish(exchange, routingKey, msg.body, this.properties(msg, props), done);
      } catch (err) {
        // amqplib throws synchronously on a closed channel; anything else is a bug of ours.
        reject(session.closed ? new Transient("connection lost") : err);
      }
    });
  }

  private properties(msg: OutboundMessage, props: Options.Publish): Options.Publish {
    return {
      messageId: msg.messageId,
      type: msg.type,
      headers: msg.headers,
      contentType: "application/json",
      timestamp: Math.floor(Date.now() / 1000),
      appId: this.service,
      ...props,
    };
  }

  /**
   * Hand a message to the broker, trying again (with the same message id, so receivers can
   * dedupe) through reconnects and refusals until the deadline.
   */
  private async sendReliably(
    exchange: string,
    routingKey: string,
    msg: OutboundMessage,
    props: Options.Publish,
    timeoutMs: number,
  ): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (let attempt = 1; ; attempt++) {
      const session = await this.waitForSession(deadline);
      try {
        await this.publishConfirmed(session, exchange, routingKey, msg, props);
        return;
      } catch (err) {
        if (!(err instanceof Transient)) throw err;
        const left = deadline - Date.now();
        if (left <= 0) {
          throw unavailable(`could not hand ${msg.type} to the broker (${err.message})`);
        }
        this.logger.warn(
          { messageId: msg.messageId, attempt, reason: err.message },
          "send retried",
        );
        // A lost connection is waited out in waitForSession; a refusal earns a short backoff.
        if (!session.closed) await sleep(Math.min(left, 50 * 2 ** Math.min(attempt, 6)));
      }
    }
  }

  async call<C extends CallContract>(
    contract: C,
    payload: z.input<C["request"]>,
    options: CallOptions,
  ): Promise<z.output<C["reply"]>> {
    expectKind(contract, "call");
    const msg = encodeMessage(contract, payload, options.ctx);
    const timeoutMs = options.timeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
    const deadline = Date.now() + timeoutMs;
    msg.headers[H.deadline] = deadline;
    const routingKey = queueNames.call(contract.service, options.host);

    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(msg.messageId);
        reject(new RpcError("timeout", `${contract.key} got no reply within ${timeoutMs} ms`));
      }, timeoutMs);
      const settle =
        <T>(fn: (v: T) => void) =>
        (v: T) => {
          clearTimeout(timer);
          this.pending.delete(msg.messageId);
          fn(v);
        };
      const call: PendingCall = {
        contract,
        resolve: settle(resolve as (reply: unknown) => void),
        reject: settle(reject),
      };

      this.waitForSession(deadline).then((session) => {
        call.session = session;
        this.pending.set(msg.messageId, call);
        // The reply proves delivery, so the call does not wait for the confirm; the confirm only
        // matters when it says the message went nowhere.
        this.publishConfirmed(session, exchanges.rpc, routingKey, msg, {
          correlationId: msg.messageId,
          replyTo: session.replyQueue,
          mandatory: true,
          persistent: false,
        }).catch((err: unknown) =>
          call.reject(
            err instanceof Transient ? unavailable(`${contract.key}: ${err.message}`) : err,
          ),
        );
      }, call.reject);
    });
  }

  private onReply(msg: ConsumeMessage): void {
    const call = this.pending.get(msg.properties.correlationId);
    if (!call) return; // timed out already
    try {
      call.resolve(decodeReply(call.contract, msg.content));
    } catch (err) {
      call.reject(err);
    }
  }

  async cast<C extends CastContract>(
    contract: C,
    payload: z.input<C["request"]>,
    options: CastOptions,
  ): Promise<void> {
    expectKind(contract, "cast");
    const msg = encodeMessage(contract, payload, options.ctx);
    await this.sendReliably(
      exchanges.rpc,
      queueNames.cast(contract.service, options.host),
      msg,
      { persistent: true, mandatory: true },
      options.timeoutMs ?? DEFAULT_SEND_TIMEOUT_MS,
    );
  }

  async fanout<C extends CastContract>(
    contract: C,
    payload: z.input<C["request"]>,
    options: Omit<CastOptions, "host">,
  ): Promise<void> {
    expectKind(contract, "cast");
    const msg = encodeMessage(contract, payload, options.ctx);
    await this.sendReliably(
      exchanges.fanout,
      contract.service,
      msg,
      { persistent: false },
      options.timeoutMs ?? DEFAULT_SEND_TIMEOUT_MS,
    );
  }

  async publish<N extends NotificationContract>(
    notification: N,
    payload: z.input<N["payload"]>,
    options: { ctx: RequestContext },
  ): Promise<void> {
    expectKind(notification, "notification");
    const msg = encodeMessage(notification, payload, options.ctx);
    await this.sendReliably(
      exchanges.notifications,
      notification.event,
      msg,
      { persistent: false },
      DEFAULT_SEND_TIMEOUT_MS,
    );
  }

  // --- receiving ------------------------------------------------------------------------------

  async serve(target: ServeTarget, handlers: Handler[]): Promise<Server> {
    if (this.closing) throw unavailable("the bus is closed");
    const state: ServerState = {
      service: target.service,
      host: target.host ?? this.host,
      ...indexHandlers(target.service, handlers),
      attached: new WeakSet(),
      consumers: [],
      inflight: new Set(),
      closed: false,
    };
    this.servers.push(state);
    try {
      if (this.session) await this.attachServer(this.session, state);
    } catch (err) {
      this.servers.splice(this.servers.indexOf(state), 1);
      throw err;
    }
    return { close: () => this.closeServer(state) };
  }

  private async attachServer(session: Session, state: ServerState): Promise<void> {
    if (state.closed || state.attached.has(session)) return;
    state.attached.add(session);
    state.consumers = [];
    const { service, host } = state;
    const consume = async (ch: Channel, queue: string, kind: Inbound["kind"], dlKey: string) => {
      const handlers = kind === "call" ? state.calls : state.casts;
      const { consumerTag } = await ch.consume(queue, (msg) => {
        // null: the broker cancelled us (queue deleted); a new connection declares it again.
        if (!msg) return this.recycle(session, `consumer of ${queue} cancelled by the broker`);
        const work = this.handle(session, ch, msg, kind, handlers, dlKey).catch((err: unknown) =>
          this.logger.error({ err }, "delivery handling failed"),
        );
        state.inflight.add(work);
        void work.finally(() => state.inflight.delete(work));
      });
      state.consumers.push({ ch, tag: consumerTag });
    };
    // Calls and casts on separate channels, each with its own prefetch, so a backlog of long
    // casts never leaves a call waiting for a free slot.
    if (state.calls.size > 0) {
      const ch = await this.consumerChannel(session, `call ${service}`, state);
      for (const q of [queueNames.call(service), queueNames.call(service, host)]) {
        await declareCallQueue(ch, q);
        await consume(ch, q, "call", q);
      }
    }
    if (state.casts.size > 0) {
      const ch = await this.consumerChannel(session, `cast ${service}`, state);
      for (const q of [queueNames.cast(service), queueNames.cast(service, host)]) {
        await declareCastQueue(ch, q, this.maxDeliveries);
        await consume(ch, q, "cast", q);
      }
      const fanoutQueue = await declareFanoutQueue(ch, service);
      await consume(ch, fanoutQueue, "fanout", queueNames.fanoutDeadLetterKey(service));
    }
  }

  private async consumerChannel(session: Session, what: string, state: { closed: boolean }) {
    const ch = await session.model.createChannel();
    this.watch(session, ch, what, () => state.closed);
    await ch.prefetch(this.prefetch);
    return ch;
  }

  private async handle(
    session: Session,
    ch: Channel,
    msg: ConsumeMessage,
    kind: Inbound["kind"],
    handlers: ReadonlyMap<string, Handler>,
    deadLetterKey: string,
  ): Promise<void> {
    const headers = (msg.properties.headers ?? {}) as Record<string, unknown>;
    const deliveryCount = Number(headers["x-delivery-count"] ?? (msg.fields.redelivered ? 1 : 0));
    const outcome = await dispatch(
      {
        kind,
        messageId: String(msg.properties.messageId ?? ""),
        type: String(msg.properties.type ?? ""),
        headers,
        body: msg.content,
        redelivered: msg.fields.redelivered,
        deliveryCount,
      },
      handlers,
      { logger: this.logger, maxDeliveries: this.maxDeliveries },
    );
    // Acks only work on the channel that delivered; after a reconnect that channel is gone and the
    // broker redelivers the message, so a failed ack is expected and harmless there.
    const settle = (fn: () => void) => {
      if (session.closed) return;
      try {
        fn();
      } catch (err) {
        this.logger.debug({ err }, "could not settle a delivery");
      }
    };
    switch (outcome.action) {
      case "ack":
        if (kind === "call" && outcome.reply) this.sendReply(session, msg, outcome.reply);
        settle(() => ch.ack(msg));
        return;
      case "retry":
        settle(() => ch.nack(msg, false, true));
        return;
      case "dead-letter":
        try {
          await this.deadLetter(session, msg, deadLetterKey, outcome.reason, deliveryCount + 1);
          settle(() => ch.ack(msg));
        } catch (err) {
          this.logger.error({ err }, "could not dead-letter a message; it stays queued");
          settle(() => ch.nack(msg, false, true));
        }
    }
  }

  /**
   * Replies go out on the connection that delivered the request. Not `this.session`: that is set
   * only once setup() has attached every consumer, and the calls that waited in the queue while we
   * were away (a broker restart) are delivered, and handled, before that.
   */
  private sendReply(session: Session, request: ConsumeMessage, reply: ReplyBody): void {
    const { replyTo, correlationId } = request.properties;
    // A closed session cannot ack either: the broker redelivers the call, which answers then.
    if (!replyTo || session.closed) return;
    try {
      session.pub.publish("", String(replyTo), encodeReply(reply), {
        correlationId,
        contentType: "application/json",
      });
    } catch (err) {
      this.logger.warn({ err }, "could not send a reply");
    }
  }

  /** Move a message to its dead-letter queue with the reason, confirmed before the original is acked. */
  private async deadLetter(
    session: Session,
    msg: ConsumeMessage,
    key: string,
    reason: string,
    attempts: number,
  ): Promise<void> {
    if (session.closed) throw new Error("not connected");
    const p = msg.properties;
    const out: OutboundMessage = {
      messageId: String(p.messageId ?? ""),
      type: String(p.type ?? ""),
      headers: {
        ...p.headers,
        [H.deathReason]: reason,
        [H.deathQueue]: key,
        [H.attempts]: attempts,
      },
      body: msg.content,
    };
    await this.publishConfirmed(session, exchanges.dlx, key, out, {
      persistent: true,
      mandatory: true,
      timestamp: p.timestamp,
      appId: p.appId,
    });
  }

  private async closeServer(state: ServerState): Promise<void> {
    if (state.closed) return;
    state.closed = true;
    const i = this.servers.indexOf(state);
    if (i >= 0) this.servers.splice(i, 1);
    await this.drain(state);
  }

  /** Stop the consumers, wait for the handlers in flight (they ack on their channel), close it. */
  private async drain(state: {
    consumers: { ch: Channel; tag: string }[];
    inflight: Set<Promise<void>>;
  }): Promise<void> {
    await Promise.allSettled(state.consumers.map(({ ch, tag }) => ch.cancel(tag)));
    await Promise.allSettled([...state.inflight]);
    const channels = new Set(state.consumers.map((c) => c.ch));
    await Promise.allSettled([...channels].map((ch) => ch.close()));
  }

  async subscribe(patterns: string[], fn: EventHandler): Promise<Subscription> {
    if (this.closing) throw unavailable("the bus is closed");
    if (patterns.length === 0) throw new Error("subscribe needs at least one pattern");
    const state: SubState = {
      patterns,
      fn,
      attached: new WeakSet(),
      inflight: new Set(),
      closed: false,
    };
    this.subs.push(state);
    try {
      if (this.session) await this.attachSub(this.session, state);
    } catch (err) {
      this.subs.splice(this.subs.indexOf(state), 1);
      throw err;
    }
    return {
      close: async () => {
        if (state.closed) return;
        state.closed = true;
        const i = this.subs.indexOf(state);
        if (i >= 0) this.subs.splice(i, 1);
        await this.drain({
          consumers: state.consumer ? [state.consumer] : [],
          inflight: state.inflight,
        });
      },
    };
  }

  /**
   * Each subscriber has its own exclusive queue, so every subscriber sees every matching event.
   * Events published while it is disconnected are missed: subscribers resync on "connected".
   */
  private async attachSub(session: Session, state: SubState): Promise<void> {
    if (state.closed || state.attached.has(session)) return;
    state.attached.add(session);
    const ch = await this.consumerChannel(session, "subscription", state);
    const { queue } = await ch.assertQueue("", {
      exclusive: true,
      autoDelete: true,
      durable: false,
    });
    for (const p of state.patterns) await ch.bindQueue(queue, exchanges.notifications, p);
    const { consumerTag } = await ch.consume(queue, (msg) => {
      if (!msg) return this.recycle(session, "subscription cancelled by the broker");
      const work = dispatchEvent(
        {
          kind: "fanout",
          messageId: String(msg.properties.messageId ?? ""),
          type: String(msg.properties.type ?? ""),
          headers: (msg.properties.headers ?? {}) as Record<string, unknown>,
          body: msg.content,
          redelivered: msg.fields.redelivered,
          deliveryCount: 0,
        },
        state.fn,
        this.logger,
      )
        .then(() => {
          if (session.closed) return;
          try {
            ch.ack(msg);
          } catch {
            // channel closed meanwhile: the event is gone with the subscriber's queue
          }
        })
        .catch((err: unknown) => this.logger.error({ err }, "event delivery failed"));
      state.inflight.add(work);
      void work.finally(() => state.inflight.delete(work));
    });
    state.consumer = { ch, tag: consumerTag };
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    // Handlers in flight may still call other services, so replies keep flowing until they end.
    await Promise.allSettled([...this.servers].map((s) => this.closeServer(s)));
    await Promise.allSettled(
      [...this.subs].map((s) =>
        this.drain({ consumers: s.consumer ? [s.consumer] : [], inflight: s.inflight }),
      ),
    );
    for (const call of this.pending.values()) call.reject(unavailable("the bus is closed"));
    for (const w of this.waiters) w.reject(unavailable("the bus is closed"));
    await this.recovering?.close();
    this.session = null;
    this.logger.info("bus closed");
  }
}

function unavailable(message: string): RpcError {
  return new RpcError("unavailable", message);
}

function expectKind(contract: { kind: string }, kind: string): void {
  // Guards JavaScript callers and casts-through-any; TypeScript callers cannot get here.
  if (contract.kind !== kind) {
    throw new Error(`expected a ${kind} contract, got a ${contract.kind}`);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
