// /os-services: the services and their state (up/down from heartbeats), enabling, disabling and
// forcing down compute services, deleting them. Services are named by uuid from 2.53; before
// that by host + binary in the body of PUT /os-services/{enable,disable,disable-log-reason,
// force-down}, and by integer id for DELETE.
import type { Service } from "@nimbus/rpc";
import { z } from "zod";
import { authorize } from "../../services/context";
import {
  deleteService,
  findService,
  listServices,
  updateService,
  type ServiceChanges,
} from "../../services/hosts";
import type { RouteModule } from "../app";
import { parseBody, parseQuery } from "../body";
import type { ComputeEnv } from "../context";
import { HttpError } from "../errors";
import type { Microversion } from "../microversion";
import { serviceContext } from "../service-context";
import { perfectTimeOrNull } from "./format";
import { booleanParam, canonicalUuid, fqdnParam, isUuid } from "./params";

export function serviceView(service: Service, version: Microversion) {
  const view: Record<string, unknown> = {
    id: version.atLeast("2.53") ? service.uuid : service.id,
    binary: service.binary,
    host: service.host,
    zone: service.zone,
    status: service.disabled ? "disabled" : "enabled",
    // A service forced down is down whatever its heartbeats say.
    state: service.up && !service.forcedDown ? "up" : "down",
    updated_at: perfectTimeOrNull(service.lastSeenUp ?? service.updatedAt),
    disabled_reason: service.disabledReason,
  };
  if (version.atLeast("2.11")) view.forced_down = service.forcedDown;
  return view;
}

const reason = z.string().min(1).max(255);

const legacyBody = (version: Microversion) =>
  z.strictObject({
    host: fqdnParam,
    binary: z.string().min(1).max(255),
    disabled_reason: reason.optional(),
    ...(version.atLeast("2.11") && { forced_down: booleanParam.optional() }),
  });

const bodyV253 = z.strictObject({
  status: z.enum(["enabled", "disabled"]).optional(),
  disabled_reason: reason.optional(),
  forced_down: booleanParam.optional(),
});

const listQuery = z.object({ host: z.string().optional(), binary: z.string().optional() });

function onlyCompute(binary: string): void {
  if (binary !== "nova-compute") {
    throw HttpError.badRequest(
      `Updating a ${binary} service is not supported. Only nova-compute services can be updated.`,
    );
  }
}

export const osServices: RouteModule<ComputeEnv> = (r, deps) => {
  r.get("/os-services", async (c) => {
    const version = c.var.microversion;
    const q = parseQuery(c, version.atLeast("2.75") ? listQuery.strict() : listQuery.loose());
    const filter = {
      ...(typeof q.host === "string" && q.host !== "" && { host: q.host }),
      ...(typeof q.binary === "string" && q.binary !== "" && { binary: q.binary }),
    };
    const services = await listServices(serviceContext(c, deps), filter);
    return c.json({ services: services.map((s) => serviceView(s, version)) });
  });

  r.put("/os-services/:id", async (c) => {
    const ctx = serviceContext(c, deps);
    const version = c.var.microversion;
    const id = c.req.param("id");

    if (version.atLeast("2.53")) {
      const body = await parseBody(c, bodyV253);
      if (!isUuid(id)) throw HttpError.badRequest(`Invalid uuid ${id}`);
      authorize(ctx, "services:write");
      const uuid = canonicalUuid(id);
      const service = (await listServices(ctx)).find((s) => s.uuid === uuid);
      if (!service) throw HttpError.notFound(`Service ${id} could not be found.`);
      onlyCompute(service.binary);
      const changes: ServiceChanges = {};
      if (body.status === "enabled") {
        if (body.disabled_reason) {
          throw HttpError.badRequest(
            "Specifying 'disabled_reason' with status 'enabled' is invalid.",
          );
        }
        Object.assign(changes, { disabled: false, disabledReason: null });
      } else if (body.status === "disabled") {
        Object.assign(changes, { disabled: true, disabledReason: body.disabled_reason ?? null });
      }
      if (body.forced_down !== undefined) changes.forcedDown = body.forced_down;
      if (Object.keys(changes).length === 0) {
        throw HttpError.badRequest(
          "No updates were requested. Fields 'status' or 'forced_down' should be specified.",
        );
      }
      const updated = await updateService(ctx, uuid, changes);
      return c.json({ service: serviceView(updated, version) });
    }

    // Before 2.53 the path names the action and the body the service.
    const body = (await parseBody(c, legacyBody(version))) as z.output<
      ReturnType<typeof legacyBody>
    > & { forced_down?: boolean };
    authorize(ctx, "services:write");
    const actions = ["enable", "disable", "disable-log-reason"];
    if (version.atLeast("2.11")) actions.push("force-down");
    if (!actions.includes(id)) throw HttpError.notFound("Unknown action");
    if (id === "disable-log-reason" && body.disabled_reason === undefined) {
      throw HttpError.badRequest("Missing disabled reason field");
    }
    if (id === "force-down" && body.forced_down === undefined) {
      throw HttpError.badRequest("Missing forced_down field");
    }
    onlyCompute(body.binary);
    const service = await findService(ctx, body.host, body.binary);
    const answer: Record<string, unknown> = { host: body.host, binary: body.binary };
    if (id === "force-down") {
      await updateService(ctx, service.id, { forcedDown: body.forced_down as boolean });
      answer.forced_down = body.forced_down;
    } else if (id === "enable") {
      await updateService(ctx, service.id, { disabled: false, disabledReason: null });
      answer.status = "enabled";
    } else {
      const why = id === "disable-log-reason" ? (body.disabled_reason as string) : null;
      await updateService(ctx, service.id, { disabled: true, disabledReason: why });
      answer.status = "disabled";
      if (why) answer.disabled_reason = why;
    }
    return c.json({ service: answer });
  });

  r.delete("/os-services/:id", async (c) => {
    const ctx = serviceContext(c, deps);
    const id = c.req.param("id");
    authorize(ctx, "services:write");
    let ref: string | number;
    if (c.var.microversion.atLeast("2.53")) {
      if (!isUuid(id)) throw HttpError.badRequest(`Invalid uuid ${id}`);
      ref = canonicalUuid(id);
    } else {
      if (!/^-?\d+$/.test(id) || !Number.isSafeInteger(Number(id))) {
        throw HttpError.badRequest("Invalid input received: id must be an integer");
      }
      ref = Number(id);
    }
    await deleteService(ctx, ref);
    return c.body(null, 204);
  });
};
