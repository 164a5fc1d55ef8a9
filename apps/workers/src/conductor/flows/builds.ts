// The build orchestration (Nova's ComputeTaskManager.schedule_and_build_instances and the
// reschedule path of build_instances): ask the scheduler, claim a node, cast the build; on a
// failure free the claim and try another host, up to max_attempts; else ERROR with a fault.
//
// Every step is guarded so that a redelivered message, a recovery re-cast or a second conductor
// cannot place a server twice: a claim needs the server unplaced and scheduling, a build message
// carries the attempt number start_build must match, a failure must name the host it failed on.
import {
  buildAndRunInstance,
  explanationSchema,
  isRpcError,
  scheduleAndBuild as scheduleAndBuildCast,
  selectDestinations,
  type Explanation,
  type HostChoice,
  type Logger,
  type RequestContext,
} from "@nimbus/rpc";
import type { Conductor } from "../deps";
import {
  explanationDetails,
  NO_VALID_HOST,
  noValidHostMessage,
  truncateMessage,
  withLastFailure,
} from "../explanation";
import { specOf, type StoredSpec } from "../request-spec";
import * as actions from "../repositories/actions";
import { findServerGroup, groupHosts } from "../repositories/catalog";
import { transaction } from "../repositories/db";
import { claimBuild, releaseAllocation, type Resources } from "../repositories/hosts";
import * as instances from "../repositories/instances";
import type { InstanceRecord } from "../repositories/mapping";
import * as specs from "../repositories/specs";

export const SCHEDULE_EVENT = "conductor_schedule_and_build_instances";
export const BUILD_EVENT = "compute_build_and_run_instance";

/**
 * Scheduling rounds for instances whose every offered host filled up before their claim (the
 * scheduler's view of the hosts lags the claims by a notification).
 */
const ROUNDS = 3;
const SCHEDULER_TIMEOUT_MS = 30_000;

interface Meta {
  ctx: RequestContext;
  logger: Logger;
}

interface Pending {
  record: InstanceRecord;
  spec: StoredSpec;
}

export function resourcesOf(flavor: {
  vcpus: number;
  memoryMb: number;
  rootGb: number;
  ephemeralGb: number;
  swap: number;
}): Resources {
  return {
    vcpus: flavor.vcpus,
    memoryMb: flavor.memoryMb,
    diskGb: flavor.rootGb + flavor.ephemeralGb + Math.ceil(flavor.swap / 1024),
  };
}

/** Handle conductor.schedule_and_build: place every instance of `uuids` still waiting for a host. */
export async function scheduleAndBuild(c: Conductor, uuids: string[], meta: Meta): Promise<void> {
  const records = await instances.getInstancesByUuid(c.sql, uuids);
  const pending: Pending[] = [];
  for (const record of records) {
    const { instance } = record;
    const spec = specOf(record.spec);
    if (
      record.deleted ||
      instance.vmState !== "building" ||
      instance.taskState !== "scheduling" ||
      !spec
    ) {
      continue;
    }
    if (instance.host !== null) {
      // Placed, but its build may never have been cast (the conductor died in between): cast it
      // again under a new attempt number, so that the old message, if it exists, is dropped.
      await recast(c, record, spec, meta);
      continue;
    }
    pending.push({ record, spec });
  }
  // Instances that asked for the same thing are scheduled together, as one request.
  const groups = new Map<string, Pending[]>();
  for (const p of pending) {
    const { flavor, image, availabilityZone, forceHost, groupUuid, ignoreHosts } = p.spec;
    const key = JSON.stringify([
      p.record.instance.projectId,
      flavor,
      image,
      availabilityZone,
      forceHost,
      groupUuid,
      ignoreHosts,
    ]);
    groups.set(key, [...(groups.get(key) ?? []), p]);
  }
  for (const group of groups.values()) await scheduleGroup(c, group, meta);
}

async function scheduleGroup(c: Conductor, items: Pending[], meta: Meta): Promise<void> {
  const first = items[0]!;
  const group = first.spec.groupUuid
    ? await findServerGroup(c.sql, first.spec.groupUuid, null)
    : null;
  const lostClaims = new Set<string>();
  let left = items;
  let explanation: Explanation | null = null;

  for (let round = 0; round < ROUNDS && left.length > 0; round++) {
    // The hosts offered last round filled up under other builds' claims: give the scheduler a
    // moment to hear of it (compute_node.update) before asking again.
    if (round > 0) await new Promise((r) => setTimeout(r, 20 * round + Math.random() * 20));
    let reply;
    try {
      reply = await c.bus.call(
        selectDestinations,
        {
          spec: {
            projectId: first.record.instance.projectId,
            instanceUuids: left.map((p) => p.record.instance.uuid),
            flavor: first.spec.flavor,
            image: first.spec.image,
            availabilityZone: first.spec.availabilityZone,
            forceHost: first.spec.forceHost,
            group: group && {
              uuid: group.uuid,
              policy: group.policy,
              hosts: await groupHosts(c.sql, group.id),
            },
            ignoreHosts: first.spec.ignoreHosts,
          },
          alternates: c.config.NIMBUS_SCHEDULER_ALTERNATES,
        },
        { ctx: meta.ctx, timeoutMs: SCHEDULER_TIMEOUT_MS },
      );
    } catch (err) {
      // The scheduler is away (timeout, unavailable): throwing lets the bus deliver this message
      // again later, and the recovery sweep casts it anew after that.
      if (!isRpcError(err, "no_valid_host")) throw err;
      const details = explanationSchema.safeParse(err.details);
      // The scheduler's own summary when it gave one, else ours from its explanation.
      const message =
        err.message.startsWith(NO_VALID_HOST) && err.message.trim() !== NO_VALID_HOST
          ? truncateMessage(err.message)
          : noValidHostMessage(details.success ? details.data : null);
      for (const p of left)
        await noValidHost(c, p, details.success ? details.data : null, message, meta);
      return;
    }
    explanation = reply.explanation;
    const hostsFor = new Map(reply.selections.map((s) => [s.instanceUuid, s.hosts]));
    const unplaced: Pending[] = [];
    for (const p of left) {
      const outcome = await claimFirstFitting(
        c,
        p,
        hostsFor.get(p.record.instance.uuid) ?? [],
        group,
        reply.explanation,
        meta,
      );
      if (outcome.lost) {
        for (const h of outcome.lost) lostClaims.add(h);
        unplaced.push(p);
      }
    }
    left = unplaced;
  }
  for (const p of left) {
    await noValidHost(
      c,
      p,
      explanation,
      noValidHostMessage(
        null,
        `Every host offered for it was full when claimed (${[...lostClaims].join(", ")}).`,
      ),
      meta,
    );
  }
}

/** Try the chosen host, then the alternates. `lost`: the hosts whose claim failed, if none held. */
async function claimFirstFitting(
  c: Conductor,
  p: Pending,
  hosts: HostChoice[],
  group: { id: number; policy: string } | null,
  explanation: Explanation,
  meta: Meta,
): Promise<{ lost?: string[] }> {
  const { instance } = p.record;
  const lost: string[] = [];
  for (const choice of hosts) {
    const spec: StoredSpec = { ...p.spec, attempt: p.spec.attempt + 1 };
    const now = c.now();
    const { outcome, action } = await claimBuild(
      c.sql,
      {
        uuid: instance.uuid,
        nodeId: choice.nodeId,
        host: choice.host,
        node: choice.node,
        availabilityZone: c.config.NIMBUS_DEFAULT_AVAILABILITY_ZONE,
        resources: resourcesOf(p.spec.flavor),
        spec,
        group:
          group && (group.policy === "affinity" || group.policy === "anti-affinity")
            ? { id: group.id, policy: group.policy }
            : null,
        // The scheduling step ends with the claim, its explanation on the event.
        event: { name: SCHEDULE_EVENT, details: explanationDetails(explanation) },
      },
      now,
    );
    if (outcome === "gone") return {};
    if (outcome !== "claimed") {
      meta.logger.info(
        { uuid: instance.uuid, host: choice.host, outcome },
        "claim failed; trying the next host",
      );
      lost.push(choice.host);
      continue;
    }
    meta.logger.info({ uuid: instance.uuid, host: choice.host, attempt: spec.attempt }, "claimed");
    c.notifier.nodeChanged(choice.nodeId, meta.ctx);
    if (action) c.notifier.actionRecorded(action, instance.name, meta.ctx);
    // Exactly what the claim wrote; no need to read it back.
    const placed: InstanceRecord = {
      ...p.record,
      spec,
      instance: {
        ...instance,
        host: choice.host,
        node: choice.node,
        availabilityZone: c.config.NIMBUS_DEFAULT_AVAILABILITY_ZONE,
        updatedAt: now.toISOString(),
      },
    };
    c.notifier.instanceUpdated(placed.instance, meta.ctx);
    await castBuild(c, placed, spec, meta);
    return {};
  }
  return { lost };
}

/** Cast the build to the host; a host nobody serves is a failed build like any other. */
async function castBuild(c: Conductor, record: InstanceRecord, spec: StoredSpec, meta: Meta) {
  const { instance } = record;
  try {
    await c.bus.cast(
      buildAndRunInstance,
      { instance, image: spec.imageRef, attempt: spec.attempt },
      { ctx: meta.ctx, host: instance.host! },
    );
  } catch (err) {
    meta.logger.warn({ err, uuid: instance.uuid, host: instance.host }, "build cast failed");
    await failBuild(
      c,
      {
        uuid: instance.uuid,
        host: instance.host!,
        attempt: spec.attempt,
        reason: `Compute host ${instance.host} could not be reached.`,
        retryable: true,
      },
      meta,
    );
  }
}

async function recast(c: Conductor, record: InstanceRecord, spec: StoredSpec, meta: Meta) {
  const { instance } = record;
  if (!(await specs.bumpAttempt(c.sql, instance.uuid, instance.host!, spec.attempt, c.now())))
    return;
  meta.logger.info({ uuid: instance.uuid, host: instance.host }, "casting a placed build again");
  await castBuild(c, record, { ...spec, attempt: spec.attempt + 1 }, meta);
}

/** No host can take it: ERROR, with a fault that says which filters removed which hosts. */
async function noValidHost(
  c: Conductor,
  p: Pending,
  explanation: Explanation | null,
  message: string,
  meta: Meta,
): Promise<void> {
  const { uuid } = p.record.instance;
  const now = c.now();
  const details = explanation ? explanationDetails(explanation) : null;
  const fault = withLastFailure(message, p.spec.lastFailure);
  const actionId = await transaction(c.sql, async (tx) => {
    const applied = await instances.updateInstance(
      tx,
      uuid,
      { vmStates: ["building"], taskStates: ["scheduling"], host: null },
      { vmState: "error", taskState: null },
      now,
    );
    if (!applied) return undefined;
    await instances.addFault(tx, uuid, { code: 500, message: fault, details }, null, now);
    const id = await actions.latestActionId(tx, uuid, "create");
    if (id !== null) {
      await actions.finishEvent(tx, id, SCHEDULE_EVENT, { result: "Error", details }, now);
      await actions.finishAction(tx, id, now, true);
    }
    return id;
  });
  if (actionId === undefined) return;
  meta.logger.info({ uuid, message: fault }, "no valid host");
  await publishInstance(c, uuid, meta.ctx);
  if (actionId !== null) c.notifier.actionChanged(actionId, p.record.instance, meta.ctx);
}

export interface BuildFailure {
  uuid: string;
  host: string;
  /** absent: whichever attempt is on this host (a restarted compute that lost track) */
  attempt?: number;
  reason: string;
  traceback?: string;
  retryable: boolean;
}

/**
 * A build failed on its host (reported by the compute, or because the host went down): free its
 * claim and schedule it again while attempts remain, else ERROR with a fault. A failure that names
 * a host or attempt the build is no longer on is stale and changes nothing.
 */
export async function failBuild(
  c: Conductor,
  f: BuildFailure,
  meta: Meta,
): Promise<{ rescheduled: boolean }> {
  const now = c.now();
  const outcome = await transaction(c.sql, async (tx) => {
    const record = await instances.lockInstance(tx, f.uuid);
    if (!record || record.instance.host !== f.host || record.instance.vmState !== "building")
      return null;
    const spec = specOf(record.spec);
    if (!spec || (f.attempt !== undefined && spec.attempt !== f.attempt)) return null;

    const nodeId = await releaseAllocation(tx, f.uuid);
    const failures = spec.failures + 1;
    const retry = f.retryable && failures < c.config.NIMBUS_MAX_ATTEMPTS;
    await specs.saveSpec(
      tx,
      f.uuid,
      {
        ...spec,
        failures,
        ignoreHosts: [...new Set([...spec.ignoreHosts, f.host])],
        lastFailure: { host: f.host, reason: f.reason },
      },
      now,
    );
    await instances.updateInstance(
      tx,
      f.uuid,
      {},
      retry
        ? { host: null, node: null, taskState: "scheduling", powerState: 0 }
        : { host: null, node: null, vmState: "error", taskState: null, powerState: 0 },
      now,
    );
    if (!retry) {
      const message = f.retryable ? `Exceeded maximum number of retries. ${f.reason}` : f.reason;
      await instances.addFault(
        tx,
        f.uuid,
        { code: 500, message: truncateMessage(message), details: f.traceback ?? null },
        f.host,
        now,
      );
    }
    const actionId = await actions.latestActionId(tx, f.uuid, "create");
    if (actionId !== null) {
      // The running build event, if the build got that far (the compute may finish it first).
      await actions.finishEvent(
        tx,
        actionId,
        BUILD_EVENT,
        { result: "Error", traceback: f.traceback ?? f.reason, host: f.host },
        now,
        { record: false },
      );
      if (retry) await actions.startEvent(tx, actionId, SCHEDULE_EVENT, c.bus.host, now);
      else await actions.finishAction(tx, actionId, now, true);
    }
    return { retry, nodeId, actionId, name: record.instance.name };
  });
  if (!outcome) {
    meta.logger.info(
      { uuid: f.uuid, host: f.host, attempt: f.attempt },
      "stale build failure ignored",
    );
    return { rescheduled: false };
  }
  meta.logger.info(
    { uuid: f.uuid, host: f.host, reason: f.reason, rescheduled: outcome.retry },
    "build failed",
  );
  if (outcome.nodeId !== null) c.notifier.nodeChanged(outcome.nodeId, meta.ctx);
  if (outcome.actionId !== null)
    c.notifier.actionChanged(outcome.actionId, { uuid: f.uuid, name: outcome.name }, meta.ctx);
  await publishInstance(c, f.uuid, meta.ctx);
  if (outcome.retry) {
    try {
      await c.bus.cast(scheduleAndBuildCast, { instanceUuids: [f.uuid] }, { ctx: meta.ctx });
    } catch (err) {
      // The build stays scheduling without a host: the recovery sweep casts it again.
      meta.logger.error({ err, uuid: f.uuid }, "reschedule cast failed");
    }
  }
  return { rescheduled: outcome.retry };
}

export async function publishInstance(c: Conductor, uuid: string, ctx: RequestContext) {
  const record = await instances.getInstance(c.sql, uuid, { projectId: null, withDeleted: true });
  if (record) c.notifier.instanceUpdated(record.instance, ctx);
}
