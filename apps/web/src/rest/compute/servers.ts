// /servers: list (index and detail), create, show, update, delete. HTTP only: input through the
// schemas, work through the service layer, output through the server views.
import { randomInt } from "node:crypto";
import { isRpcError } from "@nimbus/rpc";
import type { Context } from "hono";
import { hostStatuses } from "../../services/hosts";
import {
  createServers,
  deleteServer,
  getServer,
  listServers,
  updateServer,
} from "../../services/servers";
import type { RestDeps, RouteModule } from "../app";
import { parseBody } from "../body";
import type { ComputeEnv } from "../context";
import { HttpError } from "../errors";
import { baseUrl, computeResourceLinks } from "../links";
import type { Microversion } from "../microversion";
import { nextLinks } from "../pagination";
import { serviceContext } from "../service-context";
import {
  createdServerView,
  serverSummaryView,
  serverView,
  serverViewContext,
  showsHostStatus,
} from "./server-view";
import { parseServerListQuery } from "./servers-query";
import {
  createRequest,
  createServerSchema,
  updateChanges,
  updateServerSchema,
} from "./servers-schema";

type C = Context<ComputeEnv>;

export const servers: RouteModule<ComputeEnv> = (r, deps) => {
  // /servers/detail before /servers/:id, which would take "detail" for an id.
  r.get("/servers/detail", (c) => list(c, deps, true));
  r.get("/servers", (c) => list(c, deps, false));

  r.post("/servers", async (c) => {
    const ctx = serviceContext(c, deps);
    const version = c.var.microversion;
    const body = await parseBody(c, memo(createSchemas, version, createServerSchema));
    const req = createRequest(body, version);
    let created;
    try {
      created = await createServers(ctx, req.input);
    } catch (err) {
      // A flavor, image, key pair or group that cannot be found is a bad request, as in Nova.
      if (isRpcError(err, "not_found")) throw HttpError.badRequest(err.message);
      throw err;
    }
    if (req.returnReservationId) return c.json({ reservation_id: created.reservationId }, 202);
    const first = created.servers[0];
    if (!first) throw new Error("create_servers answered without servers");
    const base = baseUrl(c);
    c.header("Location", computeResourceLinks(base, "servers", first.uuid)[0]?.href);
    // Nova returns a generated password; nothing here injects it into the guest (see README).
    const adminPass = req.adminPass ?? generatePassword();
    return c.json(createdServerView(first, base, req.securityGroups, adminPass), 202);
  });

  r.get("/servers/:id", async (c) => {
    const ctx = serviceContext(c, deps);
    const version = c.var.microversion;
    const [server, statuses] = await Promise.all([
      getServer(ctx, c.req.param("id")),
      showsHostStatus(version, ctx) ? hostStatuses(ctx) : undefined,
    ]);
    const vc = serverViewContext(baseUrl(c), version, ctx, statuses);
    return c.json({ server: serverView(server, vc, "show") });
  });

  r.put("/servers/:id", async (c) => {
    const ctx = serviceContext(c, deps);
    const version = c.var.microversion;
    const body = await parseBody(c, memo(updateSchemas, version, updateServerSchema));
    const [server, statuses] = await Promise.all([
      updateServer(ctx, c.req.param("id"), updateChanges(body)),
      version.atLeast("2.75") && showsHostStatus(version, ctx) ? hostStatuses(ctx) : undefined,
    ]);
    const vc = serverViewContext(baseUrl(c), version, ctx, statuses);
    return c.json({ server: serverView(server, vc, "update") });
  });

  r.delete("/servers/:id", async (c) => {
    await deleteServer(serviceContext(c, deps), c.req.param("id"));
    return c.body(null, 204);
  });
};

async function list(c: C, deps: RestDeps, detail: boolean) {
  const ctx = serviceContext(c, deps);
  const version = c.var.microversion;
  const query = parseServerListQuery(c.req.queries(), version, ctx);
  const [found, statuses] = await Promise.all([
    listServers(ctx, { ...query, detail }),
    detail && showsHostStatus(version, ctx) ? hostStatuses(ctx) : undefined,
  ]);
  const base = baseUrl(c);
  let items;
  if (detail) {
    const vc = serverViewContext(base, version, ctx, statuses);
    items = found.map((s) => serverView(s, vc, "detail"));
  } else {
    items = found.map((s) => serverSummaryView(s, base));
  }
  const links = nextLinks({
    base,
    collection: detail ? "servers/detail" : "servers",
    query: new URL(c.req.url).searchParams,
    page: { limit: query.limit ?? found.length + 1 },
    ids: found.map((s) => s.uuid),
  });
  return c.json(links.length > 0 ? { servers: items, servers_links: links } : { servers: items });
}

// Schemas are built once per microversion.
const createSchemas = new Map<string, ReturnType<typeof createServerSchema>>();
const updateSchemas = new Map<string, ReturnType<typeof updateServerSchema>>();

function memo<S>(cache: Map<string, S>, version: Microversion, build: (v: Microversion) => S): S {
  const key = version.toString();
  let schema = cache.get(key);
  if (!schema) {
    schema = build(version);
    cache.set(key, schema);
  }
  return schema;
}

// Nova's utils.generate_password: 12 characters, without look-alikes (0/O, 1/l/I).
const PASSWORD_SYMBOLS = "23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

function generatePassword(length = 12): string {
  let out = "";
  for (let i = 0; i < length; i++) out += PASSWORD_SYMBOLS[randomInt(PASSWORD_SYMBOLS.length)];
  return out;
}
