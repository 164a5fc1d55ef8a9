// Notifications after committed writes. They leave after the handler's commit but do not hold up
// its reply: a publish (and the read some of them need) runs in the background, and a failure is
// logged, never thrown at the request that caused it. Events about one thing (a server, a node, a
// service) leave in the order they were asked for; different things do not wait for each other.
import {
  computeNodeUpdateEvent,
  identityChangeEvent,
  instanceActionEvent,
  instanceCreateEvent,
  instanceDeleteEvent,
  instanceUpdateEvent,
  serviceUpdateEvent,
  type Bus,
  type Instance,
  type InstanceAction,
  type Logger,
  type RequestContext,
} from "@nimbus/rpc";
import type { z } from "zod";
import { getAction } from "./repositories/actions";
import type { Sql } from "./repositories/db";
import { getNode } from "./repositories/hosts";
import { toComputeNode, type Liveness } from "./repositories/mapping";

export type ServiceUpdate = z.input<typeof serviceUpdateEvent.payload>;
export type IdentityChange = z.input<typeof identityChangeEvent.payload>;

export interface Notifier {
  instanceCreated(instance: Instance, ctx: RequestContext): void;
  instanceUpdated(instance: Instance, ctx: RequestContext): void;
  instanceDeleted(
    instance: Pick<Instance, "uuid" | "projectId" | "name">,
    ctx: RequestContext,
  ): void;
  /** reads the action with its events, then publishes instance.action */
  actionChanged(
    actionId: number,
    instance: { uuid: string; name: string },
    ctx: RequestContext,
  ): void;
  /** the same for the server's latest action named `action` */
  latestAction(uuid: string, action: string, instanceName: string, ctx: RequestContext): void;
  /** publishes an action the caller has as a model already */
  actionRecorded(action: InstanceAction, instanceName: string, ctx: RequestContext): void;
  /** reads the node with its service, then publishes compute_node.update */
  nodeChanged(nodeId: number, ctx: RequestContext): void;
  serviceChanged(update: ServiceUpdate, ctx: RequestContext): void;
  /** a token was revoked, or a user, project, role or assignment changed (web caches drop it) */
  identityChanged(change: IdentityChange, ctx: RequestContext): void;
  /** Resolves when everything asked for so far has been published (or has failed). */
  flush(): Promise<void>;
}

export function createNotifier(deps: {
  bus: Bus;
  sql: Sql;
  logger: Logger;
  liveness: () => Liveness;
}): Notifier {
  const { bus, sql, logger } = deps;
  const pending = new Set<Promise<void>>();
  /** the last publish queued per subject */
  const tails = new Map<string, Promise<void>>();
  /** publishes that read their payload when they run, queued and not started yet */
  const queuedReads = new Set<string>();

  const run = (subject: string, what: string, fn: () => Promise<void>) => {
    const p = (tails.get(subject) ?? Promise.resolve())
      .then(fn)
      .catch((err: unknown) => logger.warn({ err, what, subject }, "notification failed"));
    tails.set(subject, p);
    pending.add(p);
    void p.finally(() => {
      pending.delete(p);
      if (tails.get(subject) === p) tails.delete(subject);
    });
  };
  /**
   * A publish whose payload is read from the database when it runs: while the same one waits its
   * turn, asking again adds nothing (it will read the newest state anyway). Under load this folds
   * a burst of claims on one node into few compute_node.update events.
   */
  const runRead = (subject: string, key: string, what: string, fn: () => Promise<void>) => {
    if (queuedReads.has(key)) return;
    queuedReads.add(key);
    run(subject, what, () => {
      queuedReads.delete(key);
      return fn();
    });
  };

  return {
    instanceCreated: (instance, ctx) =>
      run(instance.uuid, "instance.create", () =>
        bus.publish(instanceCreateEvent, { instance }, { ctx }),
      ),
    instanceUpdated: (instance, ctx) =>
      run(instance.uuid, "instance.update", () =>
        bus.publish(instanceUpdateEvent, { instance }, { ctx }),
      ),
    instanceDeleted: ({ uuid, projectId, name }, ctx) =>
      run(uuid, "instance.delete", () =>
        bus.publish(instanceDeleteEvent, { uuid, projectId, name }, { ctx }),
      ),
    actionChanged: (actionId, instance, ctx) =>
      runRead(instance.uuid, `action:${actionId}`, "instance.action", async () => {
        const action = await getAction(sql, actionId);
        if (action)
          await bus.publish(instanceActionEvent, { instanceName: instance.name, action }, { ctx });
      }),
    latestAction: (uuid, action, instanceName, ctx) =>
      runRead(uuid, `latest:${uuid}:${action}`, "instance.action", async () => {
        const model = await getAction(sql, { uuid, action });
        if (model) await bus.publish(instanceActionEvent, { instanceName, action: model }, { ctx });
      }),
    actionRecorded: (action, instanceName, ctx) =>
      run(action.instanceUuid, "instance.action", () =>
        bus.publish(instanceActionEvent, { instanceName, action }, { ctx }),
      ),
    nodeChanged: (nodeId, ctx) =>
      runRead(`node:${nodeId}`, `node:${nodeId}`, "compute_node.update", async () => {
        const row = await getNode(sql, nodeId);
        if (row) {
          await bus.publish(
            computeNodeUpdateEvent,
            { node: toComputeNode(row, deps.liveness()) },
            { ctx },
          );
        }
      }),
    serviceChanged: (update, ctx) =>
      run(`service:${update.binary}:${update.host}`, "service.update", () =>
        bus.publish(serviceUpdateEvent, update, { ctx }),
      ),
    identityChanged: (change, ctx) =>
      run(`identity:${change.kind}:${change.id}`, "identity.change", () =>
        bus.publish(identityChangeEvent, change, { ctx }),
      ),
    async flush() {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
  };
}
