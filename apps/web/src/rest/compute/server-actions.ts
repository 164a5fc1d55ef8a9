// POST /servers/{id}/action: the body's one key names the action (Nova's wsgi action dispatch).
// Each action validates its own body, then goes to the service layer; the conductor answers a
// server in the wrong state (or a racing action) with `conflict`, which is Nova's 409.
import { isRpcError } from "@nimbus/rpc";
import type { ServerActionName } from "@nimbus/rpc/domain";
import type { Context } from "hono";
import { z } from "zod";
import { consoleOutput, serverAction, type ActionArgs } from "../../services/servers";
import type { RestDeps, RouteModule } from "../app";
import { readJsonObject, validateBody } from "../body";
import type { ComputeEnv } from "../context";
import { HttpError } from "../errors";
import type { Microversion } from "../microversion";
import { serviceContext } from "../service-context";
import { flavorRefParam } from "./params";
import { getVncConsoleAction } from "./remote-consoles";
import { idFromHref } from "./server-view";

type C = Context<ComputeEnv>;

export interface ActionHandler {
  /** The schema of the whole body (`{ "<action>": … }`) at this microversion. */
  schema: (version: Microversion) => z.ZodType;
  run: (c: C, deps: RestDeps, id: string, body: never) => Promise<Response>;
}

/** Actions whose body is `{ "<name>": anything }` (Nova's `{}` schemas) and answer 202. */
const anyBody = (name: string) => () => z.strictObject({ [name]: z.unknown() });

function simple(action: ServerActionName, status: 202 | 204 = 202): ActionHandler {
  return {
    schema: anyBody(apiNames[action]),
    async run(c, deps, id) {
      await serverAction(serviceContext(c, deps), id, action);
      return c.body(null, status);
    },
  };
}

const apiNames: Record<ServerActionName, string> = {
  stop: "os-stop",
  start: "os-start",
  "reboot-soft": "reboot",
  "reboot-hard": "reboot",
  pause: "pause",
  unpause: "unpause",
  suspend: "suspend",
  resume: "resume",
  resize: "resize",
  "confirm-resize": "confirmResize",
  "revert-resize": "revertResize",
  delete: "delete",
  lock: "lock",
  unlock: "unlock",
  "reset-state": "os-resetState",
};

const ACTIONS: Record<string, ActionHandler> = {
  "os-stop": simple("stop"),
  "os-start": simple("start"),
  pause: simple("pause"),
  unpause: simple("unpause"),
  suspend: simple("suspend"),
  resume: simple("resume"),
  // Nova answers confirmResize with 204 (historically), revertResize with 202.
  confirmResize: simple("confirm-resize", 204),
  revertResize: simple("revert-resize"),
  unlock: simple("unlock"),

  reboot: {
    schema: () =>
      z.strictObject({
        reboot: z.strictObject({
          type: z.enum(["HARD", "Hard", "hard", "SOFT", "Soft", "soft"]),
        }),
      }),
    async run(c, deps, id, body: { reboot: { type: string } }) {
      const hard = body.reboot.type.toUpperCase() === "HARD";
      await serverAction(serviceContext(c, deps), id, hard ? "reboot-hard" : "reboot-soft");
      return c.body(null, 202);
    },
  },

  resize: {
    schema: () =>
      z.strictObject({
        resize: z.strictObject({
          flavorRef: flavorRefParam,
          "OS-DCF:diskConfig": z.enum(["AUTO", "MANUAL"]).optional(),
        }),
      }),
    async run(c, deps, id, body: { resize: { flavorRef: string } }) {
      const args: ActionArgs = { flavorRef: idFromHref(body.resize.flavorRef) };
      try {
        await serverAction(serviceContext(c, deps), id, "resize", args);
      } catch (err) {
        // The flavor to resize to not existing is the request's fault (400), as in Nova; the
        // server not existing stays a 404.
        if (isRpcError(err, "not_found") && /flavor/i.test(err.message)) {
          throw HttpError.badRequest(err.message);
        }
        throw err;
      }
      return c.body(null, 202);
    },
  },

  "os-resetState": {
    schema: () =>
      z.strictObject({
        "os-resetState": z.strictObject({ state: z.enum(["active", "error"]) }),
      }),
    async run(c, deps, id, body: { "os-resetState": { state: "active" | "error" } }) {
      const resetTo = body["os-resetState"].state;
      await serverAction(serviceContext(c, deps), id, "reset-state", { resetTo });
      return c.body(null, 202);
    },
  },

  lock: {
    schema: (version) =>
      version.atLeast("2.73")
        ? z.strictObject({
            lock: z
              .strictObject({ locked_reason: z.string().min(1).max(255).optional() })
              .nullable(),
          })
        : z.strictObject({ lock: z.unknown() }),
    async run(c, deps, id, body: { lock: unknown }) {
      const reason = c.var.microversion.atLeast("2.73")
        ? (body.lock as { locked_reason?: string } | null)?.locked_reason
        : undefined;
      const args: ActionArgs = reason === undefined ? {} : { lockedReason: reason };
      await serverAction(serviceContext(c, deps), id, "lock", args);
      return c.body(null, 202);
    },
  },

  "os-getVNCConsole": getVncConsoleAction,

  "os-getConsoleOutput": {
    schema: () =>
      z.strictObject({
        "os-getConsoleOutput": z.strictObject({
          length: z
            .union([z.number().int(), z.string().regex(/^-?[0-9]+$/)])
            .transform(Number)
            .pipe(z.number().int().min(-1))
            .nullable()
            .optional(),
        }),
      }),
    async run(c, deps, id, body: { "os-getConsoleOutput": { length?: number | null } }) {
      const length = body["os-getConsoleOutput"].length;
      // -1 and null both mean "all of it".
      const lines = length === null || length === undefined || length < 0 ? undefined : length;
      const output = await consoleOutput(serviceContext(c, deps), id, lines);
      // Nova strips control characters other than tab and newline.
      // eslint-disable-next-line no-control-regex
      return c.json({ output: output.replace(/[\x00-\x08\x0B-\x1F]/g, "") });
    },
  },
};

/** Nova actions this cloud does not do (yet): an honest 501 rather than "no such action". */
const NOT_IMPLEMENTED = new Set([
  "rebuild",
  "createImage",
  "createBackup",
  "changePassword",
  "migrate",
  "os-migrateLive",
  "evacuate",
  "shelve",
  "shelveOffload",
  "unshelve",
  "rescue",
  "unrescue",
  "addSecurityGroup",
  "removeSecurityGroup",
  "addFixedIp",
  "removeFixedIp",
  "addFloatingIp",
  "removeFloatingIp",
  "os-getSPICEConsole",
  "os-getRDPConsole",
  "os-getSerialConsole",
  "injectNetworkInfo",
  "restore",
  "forceDelete",
  "trigger_crash_dump",
]);

export const serverActionsRoutes: RouteModule<ComputeEnv> = (r, deps) => {
  r.post("/servers/:id/action", async (c) => {
    const body = await readJsonObject(c);
    const names = Object.keys(body);
    if (names.length !== 1) throw HttpError.badRequest("Malformed request body");
    const name = names[0] as string;
    const handler = Object.hasOwn(ACTIONS, name) ? ACTIONS[name] : undefined;
    if (!handler) {
      if (NOT_IMPLEMENTED.has(name)) {
        throw new HttpError(501, `The ${name} action is not supported by this cloud.`);
      }
      throw HttpError.badRequest(`There is no such action: ${name}`);
    }
    const parsed = validateBody(handler.schema(c.var.microversion), body);
    return handler.run(c, deps, c.req.param("id"), parsed as never);
  });
};
