// Helpers for tests that use the real RabbitMQ: a vhost of their own, reading dead letters, polling.
import { randomBytes } from "node:crypto";
import amqp from "amqplib";
import { pino, type Logger } from "pino";
import { headers as H } from "../envelope.js";
import { testConfig } from "./config.js";

export interface TestVhost {
  name: string;
  /** The AMQP URL for this vhost. */
  url: string;
  delete(): Promise<void>;
}

async function management(method: string, path: string, body?: unknown): Promise<void> {
  const api = new URL(testConfig().NIMBUS_RABBITMQ_API_URL);
  const auth = Buffer.from(
    `${decodeURIComponent(api.username)}:${decodeURIComponent(api.password)}`,
  ).toString("base64");
  api.username = "";
  api.password = "";
  const res = await fetch(`${api.toString().replace(/\/$/, "")}${path}`, {
    method,
    headers: { authorization: `Basic ${auth}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok && !(method === "DELETE" && res.status === 404)) {
    throw new Error(`RabbitMQ management ${method} ${path}: ${res.status} ${await res.text()}`);
  }
}

/** A fresh vhost (`nimbus_test_<random>`) the AMQP user may use fully; delete it when done. */
export async function createTestVhost(): Promise<TestVhost> {
  const name = `nimbus_test_${randomBytes(6).toString("hex")}`;
  const amqpUrl = new URL(testConfig().NIMBUS_AMQP_URL);
  const user = decodeURIComponent(amqpUrl.username || "guest");
  await management("PUT", `/vhosts/${name}`);
  await management("PUT", `/permissions/${name}/${encodeURIComponent(user)}`, {
    configure: ".*",
    write: ".*",
    read: ".*",
  });
  amqpUrl.pathname = `/${name}`;
  return { name, url: amqpUrl.toString(), delete: () => management("DELETE", `/vhosts/${name}`) };
}

/** Poll until `check` returns a value other than undefined/false, or fail after the deadline. */
export async function waitFor<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  { timeoutMs = 10_000, intervalMs = 20, what = "condition" } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export interface DeadLetterView {
  messageId: string;
  type: string;
  /** The bus's own reason, or the broker's (`delivery_limit`, `rejected`…). */
  reason: string;
  attempts?: number;
  headers: Record<string, unknown>;
  body: unknown;
}

/** Take every message out of a dead-letter queue (`dlq.<queue>`), reasons normalised. */
export async function drainDeadLetters(url: string, dlq: string): Promise<DeadLetterView[]> {
  const conn = await amqp.connect(url);
  try {
    const ch = await conn.createChannel();
    const out: DeadLetterView[] = [];
    for (
      let msg = await ch.get(dlq, { noAck: true });
      msg;
      msg = await ch.get(dlq, { noAck: true })
    ) {
      const headers = (msg.properties.headers ?? {}) as Record<string, unknown>;
      out.push({
        messageId: String(msg.properties.messageId),
        type: String(msg.properties.type),
        reason: String(headers[H.deathReason] ?? headers["x-first-death-reason"] ?? "unknown"),
        attempts: headers[H.attempts] === undefined ? undefined : Number(headers[H.attempts]),
        headers,
        body: JSON.parse(msg.content.toString("utf8")),
      });
    }
    return out;
  } finally {
    await conn.close();
  }
}

/** A logger whose JSON lines are kept in `lines`, to assert on what was logged. */
export function capturingLogger(level = "debug"): {
  logger: Logger;
  lines: Record<string, unknown>[];
} {
  const lines: Record<string, unknown>[] = [];
  const destination = { write: (line: string) => void lines.push(JSON.parse(line)) };
  return { logger: pino({ level }, destination), lines };
}
