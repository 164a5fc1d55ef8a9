// conductor.create_servers: check what the request refers to, count quota under the project's lock,
// record the servers (BUILD / scheduling) with their request specs and "create" actions in one
// transaction, answer, and leave the scheduling to conductor.schedule_and_build.
//
// A call can run twice (a conductor dying before its reply): the message id is recorded in the
// same transaction, and the reservation id is derived from it, so a second run finds the servers
// the first one created and answers with them instead of creating more.
import { createHash, randomUUID } from "node:crypto";
import { createServers, handler, RpcError, scheduleAndBuild } from "@nimbus/rpc";
import type { Conductor } from "../deps";
import { resourcesOf, SCHEDULE_EVENT } from "../flows/builds";
import { displayNameFor, sanitizeHostname } from "../hostname";
import { decideInstanceCount } from "../quota";
import type { StoredSpec } from "../request-spec";
import { startActionsSql } from "../repositories/actions";
import {
  addGroupMembersSql,
  countGroupMembersSql,
  keyPairSql,
  lockProjectQuotaSql,
  quotaStateSql,
  serverGroupSql,
  toCount,
  toKeyPair,
  toQuotaState,
  toServerGroup,
  toUsableFlavor,
  toVisibleImage,
  usableFlavorSql,
  visibleImageSql,
} from "../repositories/catalog";
import { transaction } from "../repositories/db";
import {
  getByReservation,
  insertInstancesSql,
  newInstanceRecord,
  type NewInstance,
} from "../repositories/instances";
import { isReplay, rememberMessageSql } from "../repositories/messages";
import { insertSpecsSql } from "../repositories/specs";
import { isUuid } from "./get-server";

const GiB = 1024 ** 3;

/** Fewer servers fit than the transaction wrote. */
class Fewer extends Error {
  constructor(readonly count: number) {
    super(`only ${count} fit`);
  }
}

const invalid = (message: string, resource: string) =>
  new RpcError("invalid", message, { resource });

export const createServersHandler = (c: Conductor) =>
  handler(createServers, async (req, meta) => {
    const { ctx } = meta;
    const projectId = ctx.projectId;
    const userId = ctx.userId;
    if (!projectId || !userId) {
      throw new RpcError(
        "invalid",
        "Creating a server needs a project and a user in the request context.",
      );
    }
    if (req.minCount > req.maxCount) throw invalid("min_count must be <= max_count", "min_count");
    const isAdmin = ctx.isAdmin === true;

    // Everything the request refers to, in one round trip.
    const refs = await c.sql.batch([
      usableFlavorSql(req.flavorRef, projectId, isAdmin),
      ...(isUuid(req.imageRef) ? [visibleImageSql(req.imageRef, isAdmin ? null : projectId)] : []),
      ...(req.keyName === null ? [] : [keyPairSql(userId, req.keyName)]),
      ...(req.serverGroup === null
        ? []
        : [serverGroupSql(req.serverGroup, isAdmin ? null : projectId)]),
    ]);
    const next = () => refs.shift()!.rows;
    const flavor = toUsableFlavor(next());
    const image = isUuid(req.imageRef) ? toVisibleImage(next()) : null;
    const keyPair = req.keyName === null ? null : toKeyPair(next());
    const group = req.serverGroup === null ? null : toServerGroup(next());
    // Nova's answers (HTTP 400) for references the caller cannot use; a flavor that is disabled or
    // private to other projects is as unknown as one that does not exist.
    if (!flavor || flavor.disabled) throw invalid("Invalid flavorRef provided.", "flavor");
    if (!image) throw invalid("Can not find requested image", "image");
    if (image.status !== "active") throw invalid(`Image ${image.id} is not active.`, "image");
    if (req.keyName !== null && !keyPair) throw invalid("Invalid key_name provided.", "key_name");
    if (req.serverGroup !== null && !group) {
      throw invalid(`Instance group ${req.serverGroup} could not be found.`, "server_group");
    }
    const snapshot = flavor.snapshot;
    if (snapshot.memoryMb < image.minRam) {
      throw invalid("Flavor's memory is too small for requested image.", "flavor");
    }
    if (snapshot.rootGb > 0) {
      const disk = snapshot.rootGb * GiB;
      const imageSize = Math.max(image.size ?? 0, image.virtualSize ?? 0);
      if (disk < image.minDisk * GiB) {
        throw invalid(
          `Flavor's disk is smaller than the minimum size specified in image metadata. Flavor disk is ${disk} bytes, minimum size is ${image.minDisk * GiB} bytes.`,
          "flavor",
        );
      }
      if (disk < imageSize) {
        throw invalid(
          `Flavor's disk is too small for requested image. Flavor disk is ${disk} bytes, image is ${imageSize} bytes.`,
          "flavor",
        );
      }
    }
    const zone = c.config.NIMBUS_DEFAULT_AVAILABILITY_ZONE;
    if (req.availabilityZone !== null && req.availabilityZone !== zone) {
      throw invalid("The requested availability zone is not available", "availability_zone");
    }

    const reservationId = `r-${createHash("sha256").update(meta.messageId).digest("hex").slice(0, 8)}`;
    const now = c.now();
    const spec: StoredSpec = {
      flavor: {
        memoryMb: snapshot.memoryMb,
        vcpus: snapshot.vcpus,
        rootGb: snapshot.rootGb,
        ephemeralGb: snapshot.ephemeralGb,
        swap: snapshot.swap,
        extraSpecs: snapshot.extraSpecs,
      },
      image: { id: image.id, properties: image.properties },
      imageRef: {
        id: image.id,
        diskFormat: image.diskFormat ?? "raw",
        size: image.size,
        checksum: image.checksum,
        osHashValue: image.osHashValue,
      },
      availabilityZone: req.availabilityZone,
      forceHost: req.forceHost,
      groupUuid: group?.uuid ?? null,
      schedulerHints: req.schedulerHints,
      ignoreHosts: [],
      attempt: 0,
      failures: 0,
    };

    const rowsFor = (count: number): NewInstance[] =>
      Array.from({ length: count }, (_, index) => {
        const uuid = randomUUID();
        const displayName = displayNameFor(req.name, index, count);
        return {
          uuid,
          projectId,
          userId,
          displayName,
          hostname:
            count === 1 && req.hostname !== null
              ? req.hostname
              : sanitizeHostname(displayName, uuid),
          description: req.description,
          flavor: snapshot,
          imageRef: image.id,
          availabilityZone: req.availabilityZone,
          metadata: req.metadata,
          keyName: keyPair?.name ?? null,
          keyData: keyPair?.publicKey ?? null,
          userData: req.userData,
          launchIndex: index,
          reservationId,
          accessIpV4: req.accessIpV4,
          accessIpV6: req.accessIpV6,
          createdAt: now,
        };
      });

    // The rows go in first and the project's lock is taken last, so creates of one project wait
    // for each other only for the count and the commit. The count sees every create committed
    // before the lock was granted, plus this one's own rows. All of it is one round trip, then
    // the commit (or, when the count says no, the rollback).
    const record = (count: number) =>
      transaction(c.sql, async (tx): Promise<NewInstance[] | "replay" | { fewer: number }> => {
        const rows = rowsFor(count);
        const uuids = rows.map((r) => r.uuid);
        const writes = [
          rememberMessageSql(meta.messageId, now),
          insertInstancesSql(rows),
          insertSpecsSql(
            uuids.map((uuid) => ({ uuid, spec })),
            now,
          ),
          ...startActionsSql(
            uuids,
            { action: "create", requestId: ctx.requestId, userId, projectId, now },
            { name: SCHEDULE_EVENT, host: c.bus.host },
          ),
          ...(group ? [addGroupMembersSql(group.id, uuids, now)] : []),
          lockProjectQuotaSql(projectId, now),
        ];
        let results;
        try {
          results = await tx.batch([
            ...writes,
            quotaStateSql(projectId),
            ...(group ? [countGroupMembersSql(group.id)] : []),
          ]);
        } catch (err) {
          if (isReplay(err, meta.messageId)) return "replay";
          throw err;
        }
        const quota = toQuotaState(results[writes.length]!.rows);
        const metadataLimit = quota.limit("metadata_items");
        if (metadataLimit >= 0 && Object.keys(req.metadata).length > metadataLimit) {
          throw new RpcError(
            "over_quota",
            `Maximum number of metadata items exceeds ${metadataLimit}`,
          );
        }
        const { usage } = quota;
        const others = {
          instances: usage.instances - count,
          cores: usage.cores - count * snapshot.vcpus,
          ram: usage.ram - count * snapshot.memoryMb,
        };
        // Decided on the whole request, so a refusal names it as asked ("Requested 1-3").
        const decision = decideInstanceCount(
          {
            instances: quota.limit("instances"),
            cores: quota.limit("cores"),
            ram: quota.limit("ram"),
          },
          others,
          snapshot,
          req.minCount,
          req.maxCount,
        );
        if (!decision.ok) throw new RpcError("over_quota", decision.message);
        // Fewer fit than were written: roll back, and write that many (named for that many).
        if (decision.count < count) throw new Fewer(decision.count);
        const groupLimit = quota.limit("server_group_members");
        if (group && groupLimit >= 0 && toCount(results[writes.length + 1]!.rows) > groupLimit) {
          throw new RpcError("over_quota", "Quota exceeded, too many servers in group");
        }
        return rows;
      }).catch((err: unknown) => {
        if (err instanceof Fewer) return { fewer: err.count };
        throw err;
      });

    let created = await record(req.maxCount);
    // Fewer fit than asked, or another create took room meanwhile: again with what fits now. Each
    // round asks for strictly fewer, so this ends within maxCount rounds, in servers or a refusal.
    while (typeof created === "object" && "fewer" in created) {
      created = await record(created.fewer);
    }
    if (created === "replay") {
      meta.logger.info(
        { reservationId },
        "create_servers ran before for this message; answering again",
      );
      const servers = (await getByReservation(c.sql, reservationId, projectId)).map(
        (r) => r.instance,
      );
      return { reservationId, servers };
    }

    const servers = created.map((n) => newInstanceRecord(n, spec, group?.uuid ?? null).instance);
    meta.logger.info(
      {
        reservationId,
        count: servers.length,
        flavor: snapshot.id,
        image: image.id,
        ...resourcesOf(snapshot),
      },
      "servers created",
    );
    for (const server of servers) {
      c.notifier.instanceCreated(server, ctx);
      c.notifier.actionRecorded(
        {
          action: "create",
          instanceUuid: server.uuid,
          requestId: ctx.requestId,
          userId,
          projectId,
          startTime: server.createdAt,
          finishTime: null,
          message: null,
          updatedAt: server.createdAt,
          events: [
            {
              event: SCHEDULE_EVENT,
              startTime: server.createdAt,
              finishTime: null,
              result: null,
              traceback: null,
              host: c.bus.host,
              details: null,
            },
          ],
        },
        server.name,
        ctx,
      );
    }
    const scheduled = servers.map((s) => s.uuid);
    try {
      await c.bus.cast(scheduleAndBuild, { instanceUuids: scheduled }, { ctx });
    } catch (err) {
      // The servers are recorded: the recovery sweep schedules them after the stuck timeout.
      meta.logger.error({ err, reservationId }, "could not cast schedule_and_build");
    }
    return { reservationId, servers };
  });
