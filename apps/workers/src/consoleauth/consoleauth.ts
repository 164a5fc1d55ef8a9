// The consoleauth process's work (Nova's nova-consoleauth): issue console tokens for displays the
// API looked up, and tell the console proxy whether a token opens a console now — and if not, why.
// Token records live in the database behind the conductor; this process keeps no state.
import {
  authorizeConsole,
  checkConsoleToken,
  getConsoleToken,
  getVncConsole,
  handler,
  isRpcError,
  storeConsoleToken,
  type Bus,
  type ConsoleTokenRecord,
  type Handler,
  type RequestContext,
} from "@nimbus/rpc";
import {
  CONSOLE_CLOSE,
  consoleRefusalText,
  consoleStateOf,
  type ConsoleRefusal,
} from "@nimbus/rpc/domain";
import type { z } from "zod";
import { startHeartbeat } from "../shared/heartbeat";
import type { Running, WorkerDeps } from "../shared/worker";
import type { ConsoleauthConfig } from "./config";
import { hashToken, newToken } from "./tokens";

const VERSION = "1.0";
const CALL_TIMEOUT_MS = 10_000;

type CheckReply = z.output<(typeof checkConsoleToken)["reply"]>;

export interface ConsoleauthOptions {
  bus: Bus;
  /** seconds a token stays valid (NIMBUS_CONSOLE_TOKEN_TTL) */
  ttlSeconds: number;
  now?: () => Date;
}

const refuse = (reason: ConsoleRefusal, record?: ConsoleTokenRecord | null): CheckReply => ({
  valid: false,
  reason,
  message: record
    ? consoleRefusalText(reason, {
        ...record.instance,
        taskState: record.instance.taskState ?? null,
      })
    : CONSOLE_CLOSE[reason].text,
});

/** Why `record` does not open a console now, or null when it does. */
function refusalOf(record: ConsoleTokenRecord | null, now: Date): ConsoleRefusal | null {
  if (!record) return "token_unknown";
  if (Date.parse(record.expiresAt) <= now.getTime()) return "token_expired";
  const { instance } = record;
  if (instance.deleted) return "instance_deleted";
  switch (consoleStateOf({ ...instance, taskState: instance.taskState ?? null })) {
    case "deleted":
      return "instance_deleted";
    case "busy":
      return "instance_busy";
    case "stopping":
    case "not_running":
      return "instance_not_running";
    case "available":
      return instance.host === record.computeHost ? null : "host_mismatch";
  }
}

export function consoleauthHandlers(opts: ConsoleauthOptions): Handler[] {
  const { bus } = opts;
  const now = opts.now ?? (() => new Date());

  /**
   * The display as its compute host reports it now: a hard reboot starts a new QEMU whose display
   * may have another port, and the old port may by then belong to another guest. A compute that
   * does not answer leaves the token's own address (the guest keeps running without it).
   */
  async function displayNow(
    record: ConsoleTokenRecord,
    ctx: RequestContext,
  ): Promise<{ host: string; port: number } | ConsoleRefusal> {
    try {
      return await bus.call(
        getVncConsole,
        { uuid: record.instanceUuid },
        { ctx, host: record.computeHost, timeoutMs: CALL_TIMEOUT_MS },
      );
    } catch (err) {
      if (isRpcError(err, "not_found") || isRpcError(err, "conflict")) {
        return "instance_not_running";
      }
      return { host: record.host, port: record.port };
    }
  }

  return [
    handler(authorizeConsole, async (req, meta) => {
      const token = newToken();
      const expiresAt = new Date(now().getTime() + opts.ttlSeconds * 1000).toISOString();
      await bus.call(
        storeConsoleToken,
        {
          ...req,
          tokenHash: hashToken(token),
          userId: meta.ctx.userId ?? null,
          projectId: meta.ctx.projectId ?? null,
          expiresAt,
        },
        { ctx: meta.ctx, timeoutMs: CALL_TIMEOUT_MS },
      );
      meta.logger.info(
        { instance: req.instanceUuid, user: meta.ctx.userId, expiresAt },
        "console token issued",
      );
      return { token, expiresAt };
    }),

    handler(checkConsoleToken, async (req, meta) => {
      const tokenHash = hashToken(req.token);
      const { record } = await bus.call(
        getConsoleToken,
        { tokenHash },
        { ctx: meta.ctx, timeoutMs: CALL_TIMEOUT_MS },
      );
      const refusal = refusalOf(record, now());
      if (refusal || !record) {
        meta.logger.info(
          { reason: refusal, instance: record?.instanceUuid },
          "console token refused",
        );
        return refuse(refusal ?? "token_unknown", record);
      }
      const display = await displayNow(record, meta.ctx);
      if (typeof display === "string") {
        meta.logger.info(
          { reason: display, instance: record.instanceUuid },
          "console token refused",
        );
        return refuse(display, record);
      }
      const { instance: _instance, ...fields } = record;
      return { valid: true as const, tokenHash, ...fields, ...display };
    }),
  ];
}

export async function startConsoleauth({
  config,
  bus,
  logger,
}: WorkerDeps<ConsoleauthConfig>): Promise<Running> {
  const server = await bus.serve(
    { service: "consoleauth" },
    consoleauthHandlers({ bus, ttlSeconds: config.NIMBUS_CONSOLE_TOKEN_TTL }),
  );
  const heartbeat = startHeartbeat({
    bus,
    logger,
    host: config.NIMBUS_HOST,
    binary: "nova-consoleauth",
    version: VERSION,
    intervalMs: config.NIMBUS_REPORT_INTERVAL * 1000,
  });
  await heartbeat.ready;
  return {
    async stop() {
      heartbeat.stop();
      await server.close();
    },
  };
}
