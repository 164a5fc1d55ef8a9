// POST /servers/{id}/remote-consoles (≥ 2.6) and the action it replaced, os-getVNCConsole (2.1–2.5):
// a URL that opens the server's console in a browser (the page at /console, see docs/console.md).
// Only VNC through noVNC is served; every other protocol and type Nova knows is a 400, as Nova
// answers for a console type its deployment has not enabled.
import { consoleUrl } from "@nimbus/rpc/domain";
import { z } from "zod";
import { createConsole } from "../../services/consoles";
import type { ServiceContext } from "../../services/context";
import { lookup } from "../../services/servers";
import type { RouteModule } from "../app";
import { parseBody } from "../body";
import type { ComputeEnv } from "../context";
import { HttpError } from "../errors";
import { baseUrl } from "../links";
import type { Microversion } from "../microversion";
import { serviceContext } from "../service-context";
import type { ActionHandler } from "./server-actions";

const PROTOCOLS = ["vnc", "spice", "rdp", "serial"] as const;
const TYPES = ["novnc", "xvpvnc", "rdp-html5", "spice-html5", "serial"] as const;

/** Nova's create_v26 / create_v28 / create_v299 schemas. */
function createSchema(version: Microversion) {
  const protocols: string[] = [...PROTOCOLS];
  const types: string[] = [...TYPES];
  if (version.atLeast("2.8")) {
    protocols.push("mks");
    types.push("webmks");
  }
  if (version.atLeast("2.99")) types.push("spice-direct");
  return z.strictObject({
    remote_console: z.strictObject({
      protocol: z.enum(protocols as [string, ...string[]]),
      type: z.enum(types as [string, ...string[]]),
    }),
  });
}

/**
 * Refuse what this cloud does not serve, in Nova's words — after the server lookup, as Nova does
 * it (an unknown server is a 404 whatever the type).
 */
async function checkServed(ctx: ServiceContext, id: string, protocol: string, type: string) {
  if (protocol === "vnc" && type === "novnc") return;
  await lookup(ctx, id);
  if (protocol === "vnc" && type !== "xvpvnc") {
    throw HttpError.badRequest(`Invalid console type ${type}`);
  }
  throw HttpError.badRequest(`Unavailable console type ${type}.`);
}

export const remoteConsoles: RouteModule<ComputeEnv> = (r, deps) => {
  r.post("/servers/:id/remote-consoles", async (c) => {
    // Below 2.6 the resource does not exist (Nova's versioned method: 404).
    if (!c.var.microversion.atLeast("2.6")) throw HttpError.notFound();
    const body = await parseBody(c, createSchema(c.var.microversion));
    const { protocol, type } = body.remote_console;
    const ctx = serviceContext(c, deps);
    const id = c.req.param("id");
    await checkServed(ctx, id, protocol, type);
    const ticket = await createConsole(ctx, id, "novnc");
    return c.json({
      remote_console: { protocol, type, url: consoleUrl(baseUrl(c), ticket.token) },
    });
  });
};

/** The os-getVNCConsole action (deprecated by remote-consoles at 2.6, gone from Nova above it). */
export const getVncConsoleAction: ActionHandler = {
  schema: (version) =>
    version.atLeast("2.6")
      ? z.unknown()
      : z.strictObject({
          "os-getVNCConsole": z.strictObject({ type: z.enum(["novnc", "xvpvnc"]) }),
        }),
  async run(c, deps, id, body: { "os-getVNCConsole": { type: string } }) {
    if (c.var.microversion.atLeast("2.6")) throw HttpError.notFound();
    const type = body["os-getVNCConsole"].type;
    const ctx = serviceContext(c, deps);
    await checkServed(ctx, id, "vnc", type);
    const ticket = await createConsole(ctx, id, "novnc");
    return c.json({ console: { type, url: consoleUrl(baseUrl(c), ticket.token) } });
  },
};
