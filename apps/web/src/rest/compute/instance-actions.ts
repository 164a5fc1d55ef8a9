// /servers/{id}/os-instance-actions: a server's actions and, for one action, its events. Events
// carry the step's result, its host (admins) or hashed host id (≥ 2.62), the traceback (admins)
// and, from 2.84, the details, where the scheduler's explanation of a placement lives.
import type { ActionEvent, InstanceAction } from "@nimbus/rpc";
import { allowed, type Credentials } from "@nimbus/rpc/domain";
import { z } from "zod";
import { getAction, listActions, type ListActionsInput } from "../../services/instance-actions";
import type { RouteModule } from "../app";
import { parseQuery } from "../body";
import type { ComputeEnv } from "../context";
import { HttpError } from "../errors";
import { baseUrl } from "../links";
import type { Microversion } from "../microversion";
import { nextLinks, parsePage } from "../pagination";
import { serviceContext } from "../service-context";
import { hostId, perfectTime, perfectTimeOrNull } from "./format";
import { isoInstant } from "./params";

export function actionView(action: InstanceAction, version: Microversion) {
  const view: Record<string, unknown> = {
    action: action.action,
    instance_uuid: action.instanceUuid,
    request_id: action.requestId,
    user_id: action.userId,
    project_id: action.projectId,
    start_time: perfectTime(action.startTime),
    message: action.message,
  };
  if (version.atLeast("2.58")) view.updated_at = perfectTimeOrNull(action.updatedAt);
  return view;
}

export interface EventVisibility {
  /** every field, traceback included (servers:instance_actions:events) */
  all: boolean;
  /** the event list at all: always from 2.51, before only with `all` */
  events: boolean;
  host: boolean;
  hostId: boolean;
  details: boolean;
}

export function eventVisibility(version: Microversion, creds: Credentials): EventVisibility {
  const all = allowed(creds, "servers:instance_actions:events");
  return {
    all,
    events: all || version.atLeast("2.51"),
    host: all && version.atLeast("2.62"),
    hostId: version.atLeast("2.62"),
    details: version.atLeast("2.84") && allowed(creds, "servers:instance_actions:events:details"),
  };
}

export function eventView(event: ActionEvent, projectId: string, show: EventVisibility) {
  const view: Record<string, unknown> = {
    event: event.event,
    start_time: perfectTime(event.startTime),
    finish_time: perfectTimeOrNull(event.finishTime),
    result: event.result,
  };
  if (show.all) view.traceback = event.traceback;
  if (show.host) view.host = event.host;
  if (show.hostId) view.hostId = hostId(projectId, event.host);
  if (show.details) view.details = event.details;
  return view;
}

const listQueryV258 = z.strictObject({
  limit: z
    .string()
    .regex(/^[0-9]+$/)
    .optional(),
  marker: z.string().optional(),
  "changes-since": z.string().optional(),
});
const listQueryV266 = listQueryV258.extend({ "changes-before": z.string().optional() });

export const instanceActions: RouteModule<ComputeEnv> = (r, deps) => {
  r.get("/servers/:id/os-instance-actions", async (c) => {
    const ctx = serviceContext(c, deps);
    const version = c.var.microversion;
    const id = c.req.param("id");
    const input: ListActionsInput = {};
    const searchParams = new URL(c.req.url).searchParams;
    let limit: number | undefined;
    if (version.atLeast("2.58")) {
      // Unknown parameters and repeated ones are refused from 2.58, as Nova's schema does.
      const q: { "changes-since"?: string; "changes-before"?: string } = parseQuery(
        c,
        version.atLeast("2.66") ? listQueryV266 : listQueryV258,
      );
      const since = q["changes-since"];
      const before = q["changes-before"];
      if (since !== undefined) input.changesSince = isoInstant(since, "changes-since");
      if (before !== undefined) input.changesBefore = isoInstant(before, "changes-before");
      if (input.changesSince && input.changesBefore && input.changesBefore < input.changesSince) {
        throw HttpError.badRequest(
          "The value of changes-since must be less than or equal to changes-before.",
        );
      }
      const page = parsePage(searchParams);
      limit = page.limit;
      input.limit = page.limit;
      if (page.marker !== undefined) input.marker = page.marker;
    }
    const actions = await listActions(ctx, id, input);
    const body: Record<string, unknown> = {
      instanceActions: actions.map((a) => actionView(a, version)),
    };
    if (limit !== undefined) {
      const links = nextLinks({
        base: baseUrl(c),
        collection: `servers/${encodeURIComponent(id)}/os-instance-actions`,
        query: searchParams,
        page: { limit },
        ids: actions.map((a) => a.requestId),
      });
      if (links.length > 0) body.links = links;
    }
    return c.json(body);
  });

  r.get("/servers/:id/os-instance-actions/:requestId", async (c) => {
    const ctx = serviceContext(c, deps);
    const version = c.var.microversion;
    const action = await getAction(ctx, c.req.param("id"), c.req.param("requestId"));
    const view = actionView(action, version);
    const show = eventVisibility(version, ctx);
    if (show.events) {
      // Events of actions the system started have no project: Nova hashes with the server's,
      // which is the caller's own unless the caller is an admin.
      const project = action.projectId ?? (ctx.isAdmin ? "" : ctx.projectId);
      view.events = action.events.map((e) => eventView(e, project, show));
    }
    return c.json({ instanceAction: view });
  });
};
