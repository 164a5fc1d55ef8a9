// A small stand-in for the conductor, served on the in-memory bus, for the REST API's tests: it
// keeps servers, actions, services, nodes and images in memory, answers as the contracts say
// (project scoping, the action guards, visibility) and records every call with its context.
import { randomUUID } from "node:crypto";
import {
  consoleConnectInfo,
  consoleOutput,
  createServers,
  deleteService,
  getImage,
  getServer,
  handler,
  listHypervisors,
  listInstanceActions,
  listServers,
  listServices,
  RpcError,
  serverAction,
  updateServer,
  updateService,
  type Bus,
  type ComputeNode,
  type Handler,
  type Image,
  type Instance,
  type InstanceAction,
  type RequestContext,
  type Service,
} from "@nimbus/rpc";
import {
  hasConsole,
  refuseServerAction,
  serverActions,
  statusFromState,
  type TaskState,
} from "@nimbus/rpc/domain";
import { anInstance } from "./fixtures";

export interface RecordedCall {
  message: string;
  payload: Record<string, unknown>;
  ctx: RequestContext;
}

export interface FakeConductor {
  servers: Map<string, Instance>;
  actions: Map<string, InstanceAction[]>;
  services: Service[];
  nodes: (ComputeNode & { servers?: { uuid: string; name: string }[] })[];
  images: Image[];
  calls: RecordedCall[];
  /** The calls of one message, e.g. "list_servers". */
  callsOf(message: string): RecordedCall[];
  /** Put a server in the store as is. */
  add(instance: Instance): Instance;
}

const notFound = (uuid: string) =>
  new RpcError("not_found", `Instance ${uuid} could not be found.`);

/** `extra`: more handlers on the same consumer (the bus round-robins between consumers). */
export async function serveFakeConductor(bus: Bus, extra: Handler[] = []): Promise<FakeConductor> {
  const fake: FakeConductor = {
    servers: new Map(),
    actions: new Map(),
    services: [],
    nodes: [],
    images: [],
    calls: [],
    callsOf: (message) => fake.calls.filter((c) => c.message === message),
    add(instance) {
      fake.servers.set(instance.uuid, instance);
      return instance;
    },
  };
  const record = (message: string, payload: object, ctx: RequestContext) =>
    fake.calls.push({ message, payload: payload as Record<string, unknown>, ctx });

  const scoped = (uuid: string, projectId: string | null): Instance => {
    const server = fake.servers.get(uuid);
    if (!server || server.deletedAt || (projectId !== null && server.projectId !== projectId)) {
      throw notFound(uuid);
    }
    return server;
  };
  const save = (server: Instance, changes: Partial<Instance>): Instance => {
    const next = { ...server, ...changes, updatedAt: new Date().toISOString() };
    fake.servers.set(next.uuid, next);
    return next;
  };

  await bus.serve({ service: "conductor" }, [
    handler(createServers, (req, meta) => {
      record("create_servers", req, meta.ctx);
      if (req.flavorRef === "404")
        throw new RpcError("not_found", "Flavor 404 could not be found.");
      const reservationId = `r-${randomUUID().slice(0, 8)}`;
      const servers = Array.from({ length: req.maxCount }, (_, launchIndex) =>
        fake.add(
          anInstance({
            name: req.name,
            hostname: req.hostname ?? req.name,
            description: req.description,
            projectId: meta.ctx.projectId as string,
            userId: meta.ctx.userId as string,
            vmState: "building",
            taskState: "scheduling",
            powerState: 0,
            host: null,
            node: null,
            availabilityZone: req.availabilityZone,
            imageRef: req.imageRef,
            keyName: req.keyName,
            metadata: req.metadata,
            userData: req.userData,
            launchIndex,
            reservationId,
            serverGroups: req.serverGroup ? [req.serverGroup] : [],
            pinnedAvailabilityZone: req.availabilityZone,
            schedulerHints: req.schedulerHints,
            launchedAt: null,
          }),
        ),
      );
      return { reservationId, servers };
    }),

    handler(getServer, (req, meta) => {
      record("get_server", req, meta.ctx);
      return scoped(req.uuid, req.projectId);
    }),

    handler(listServers, (req, meta) => {
      record("list_servers", req, meta.ctx);
      const f = req.filters;
      let found = [...fake.servers.values()].filter((s) => {
        if (req.projectId !== null && s.projectId !== req.projectId) return false;
        if (f.deleted === true && !s.deletedAt) return false;
        if (f.deleted === false && s.deletedAt) return false;
        if (f.status && !f.status.includes(statusFromState(s.vmState, s.taskState))) return false;
        if (f.name !== undefined && !new RegExp(f.name).test(s.name)) return false;
        if (f.host !== undefined && s.host !== f.host) return false;
        return true;
      });
      found.sort((a, b) => b.createdAt.localeCompare(a.createdAt) || a.uuid.localeCompare(b.uuid));
      if (req.marker !== undefined) {
        const at = found.findIndex((s) => s.uuid === req.marker);
        if (at === -1) throw new RpcError("invalid", `marker [${req.marker}] not found`);
        found = found.slice(at + 1);
      }
      return { servers: found.slice(0, req.limit ?? 1000) };
    }),

    handler(serverAction, (req, meta) => {
      record("server_action", req, meta.ctx);
      const server = scoped(req.uuid, req.projectId);
      const definition = serverActions[req.action];
      const refusal = refuseServerAction(definition, server, { isAdmin: !!meta.ctx.isAdmin });
      if (refusal) throw new RpcError("conflict", refusal.message);
      if (req.action === "resize" && req.flavorRef === "404") {
        throw new RpcError("not_found", `Flavor ${req.flavorRef} could not be found.`);
      }
      const changes: Partial<Instance> = { taskState: definition.taskState as TaskState | null };
      if (req.action === "lock")
        Object.assign(changes, { locked: true, lockedReason: req.lockedReason ?? null });
      if (req.action === "unlock") Object.assign(changes, { locked: false, lockedReason: null });
      if (req.action === "reset-state") Object.assign(changes, { vmState: req.resetTo });
      const updated = save(server, changes);
      const list = fake.actions.get(server.uuid) ?? [];
      list.unshift({
        action: definition.instanceAction,
        instanceUuid: server.uuid,
        requestId: meta.ctx.requestId,
        userId: meta.ctx.userId ?? null,
        projectId: meta.ctx.projectId ?? null,
        startTime: new Date().toISOString(),
        finishTime: null,
        message: null,
        updatedAt: null,
        events: [],
      });
      fake.actions.set(server.uuid, list);
      return updated;
    }),

    handler(updateServer, (req, meta) => {
      record("update_server", req, meta.ctx);
      const server = scoped(req.uuid, req.projectId);
      const { accessIpV4, accessIpV6, ...rest } = req.changes;
      return save(server, {
        ...rest,
        ...(accessIpV4 !== undefined && { accessIpV4 }),
        ...(accessIpV6 !== undefined && { accessIpV6 }),
      } as Partial<Instance>);
    }),

    handler(consoleOutput, (req, meta) => {
      record("console_output", req, meta.ctx);
      scoped(req.uuid, req.projectId);
      const lines = ["Booting", "Run /init\u0007", "login:"];
      return { output: lines.slice(-(req.length ?? lines.length)).join("\n") };
    }),

    handler(consoleConnectInfo, (req, meta) => {
      record("console_connect_info", req, meta.ctx);
      const server = scoped(req.uuid, req.projectId);
      if (!server.host || !hasConsole(server)) {
        throw new RpcError("conflict", `Instance ${req.uuid} is not ready`);
      }
      return { instanceUuid: server.uuid, computeHost: server.host, host: "127.0.0.1", port: 5900 };
    }),

    handler(listInstanceActions, (req, meta) => {
      record("list_instance_actions", req, meta.ctx);
      const server = fake.servers.get(req.uuid);
      if (!server || (req.projectId !== null && server.projectId !== req.projectId)) {
        throw notFound(req.uuid);
      }
      let actions = fake.actions.get(req.uuid) ?? [];
      if (req.requestId !== undefined)
        actions = actions.filter((a) => a.requestId === req.requestId);
      if (req.marker !== undefined) {
        const at = actions.findIndex((a) => a.requestId === req.marker);
        if (at === -1) throw new RpcError("invalid", `Marker ${req.marker} could not be found.`);
        actions = actions.slice(at + 1);
      }
      return { actions: actions.slice(0, req.limit ?? 1000) };
    }),

    handler(listServices, (req, meta) => {
      record("list_services", req, meta.ctx);
      return {
        services: fake.services.filter(
          (s) =>
            (req.host === undefined || s.host === req.host) &&
            (req.binary === undefined || s.binary === req.binary),
        ),
      };
    }),

    handler(updateService, (req, meta) => {
      record("update_service", req, meta.ctx);
      const at = fake.services.findIndex((s) => s.uuid === req.ref || s.id === req.ref);
      const service = fake.services[at];
      if (!service) throw new RpcError("not_found", `Service ${req.ref} could not be found.`);
      const { ref: _ref, ...changes } = req;
      const updated = { ...service, ...changes };
      fake.services[at] = updated;
      return updated;
    }),

    handler(deleteService, (req, meta) => {
      record("delete_service", req, meta.ctx);
      const at = fake.services.findIndex((s) => s.uuid === req.ref || s.id === req.ref);
      const service = fake.services[at];
      if (!service) throw new RpcError("not_found", `Service ${req.ref} not found.`);
      if ([...fake.servers.values()].some((s) => s.host === service.host && !s.deletedAt)) {
        throw new RpcError(
          "conflict",
          "Unable to delete compute service that is hosting instances. Migrate or delete the instances first.",
        );
      }
      fake.services.splice(at, 1);
      return {};
    }),

    handler(listHypervisors, (req, meta) => {
      record("list_hypervisors", req, meta.ctx);
      let nodes = fake.nodes.filter(
        (n) =>
          (req.ref === undefined || n.uuid === req.ref || n.id === req.ref) &&
          (req.hostnamePattern === undefined || n.hypervisorHostname.includes(req.hostnamePattern)),
      );
      if (req.marker !== undefined) {
        const at = nodes.findIndex((n) => n.uuid === req.marker || String(n.id) === req.marker);
        if (at === -1) throw new RpcError("invalid", `marker [${req.marker}] not found`);
        nodes = nodes.slice(at + 1);
      }
      return {
        hypervisors: nodes.slice(0, req.limit ?? 1000).map((n) => {
          const { servers, ...node } = n;
          return req.withServers ? { ...node, servers: servers ?? [] } : node;
        }),
      };
    }),

    handler(getImage, (req, meta) => {
      record("get_image", req, meta.ctx);
      const image = fake.images.find((i) => i.id === req.id);
      const visible =
        image &&
        (req.projectId === null || image.visibility === "public" || image.owner === req.projectId);
      if (!visible) throw new RpcError("not_found", `Image ${req.id} could not be found.`);
      return image;
    }),
    ...extra,
  ]);
  return fake;
}
