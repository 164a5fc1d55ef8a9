// Request bodies of POST /servers and PUT /servers/{id}, per microversion, as Nova's schemas
// (nova/api/openstack/compute/schemas/servers.py) describe them, and what a valid body becomes.
//
// Fields Nova accepts for features Nimbus does not have (volumes, file injection, config drive,
// tags, trusted certificates, requested hosts) are parsed so that asking for them gets a clear
// 400 instead of "unexpected property"; asking for nothing (an empty list, false) is accepted.
import { z } from "zod";
import type { CreateServersInput, ServerChanges } from "../../services/servers";
import { HttpError } from "../errors";
import type { Microversion } from "../microversion";
import {
  booleanParam,
  canonicalUuid,
  descriptionParam,
  flavorRefParam,
  fqdnParam,
  hostnameParam,
  isUuid,
  metadataParam,
  nameParam,
  positiveIntegerParam,
  uuidParam,
} from "./params";
import { idFromHref } from "./server-view";

const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
const ipv4 = z.string().regex(IPV4, { error: (i) => `'${String(i.input)}' is not a 'ipv4'` });
const ipv6 = z.string().refine((s) => s.includes(":") && URL.canParse(`http://[${s}]/`), {
  error: (i) => `'${String(i.input)}' is not a 'ipv6'`,
});
const ipAddress = z.union([ipv4, ipv6]);

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const userData = z
  .string()
  .max(65535)
  .refine((s) => BASE64.test(s.replace(/\s+/g, "")), {
    error: (i) => `'${String(i.input)}' is not a 'base64'`,
  });

/** imageRef: a uuid, or an image href ending in one; "" only means boot-from-volume in Nova. */
const imageRef = z.string().refine((s) => s === "" || isUuid(idFromHref(s)), {
  error: (i) => `'${String(i.input)}' is not a 'uuid'`,
});

const tag = z
  .string()
  .min(1)
  .max(60)
  .regex(/^[^,/]*$/);

function networkItem(version: Microversion) {
  return z.strictObject({
    fixed_ip: ipAddress.optional(),
    port: uuidParam.nullable().optional(),
    uuid: version.atLeast("2.37") ? uuidParam.optional() : z.string().optional(),
    ...(version.atLeast("2.32") && { tag: tag.optional() }),
  });
}

// Nova validates the hints its own filters read and lets any other through; none but `group` is
// acted on here (the scheduler has no host-affinity-by-server or query filters), as in a Nova
// whose matching filters are not enabled.
const hintsSchema = z
  .looseObject({
    group: z.union([uuidParam, z.array(uuidParam)]).optional(),
    different_host: z.union([uuidParam, z.array(uuidParam)]).optional(),
    same_host: z.union([z.string(), z.array(uuidParam)]).optional(),
    query: z.union([z.string(), z.record(z.string(), z.unknown())]).optional(),
  })
  .refine((hints) => Object.keys(hints).every((k) => k.length >= 1 && k.length <= 255), {
    error: "Scheduler hint names are 1 to 255 characters long",
  });

/** The POST /servers schema for a microversion. */
export function createServerSchema(version: Microversion) {
  const networks = version.atLeast("2.37")
    ? z.union([z.array(networkItem(version)), z.enum(["none", "auto"])])
    : z.array(networkItem(version)).optional();
  const server = z.strictObject({
    name: nameParam,
    imageRef: imageRef.optional(),
    flavorRef: flavorRefParam,
    adminPass: z.string().optional(),
    metadata: metadataParam.optional(),
    networks,
    "OS-DCF:diskConfig": z.enum(["AUTO", "MANUAL"]).optional(),
    accessIPv4: ipv4.optional(),
    accessIPv6: ipv6.optional(),
    availability_zone: nameParam.optional(),
    config_drive: booleanParam.optional(),
    key_name: nameParam.optional(),
    min_count: positiveIntegerParam.optional(),
    max_count: positiveIntegerParam.optional(),
    return_reservation_id: booleanParam.optional(),
    security_groups: z.array(z.strictObject({ name: nameParam.optional() })).optional(),
    user_data: userData.optional(),
    block_device_mapping: z.array(z.unknown()).optional(),
    block_device_mapping_v2: z.array(z.unknown()).optional(),
    ...(!version.atLeast("2.57") && { personality: z.array(z.unknown()).optional() }),
    ...(version.atLeast("2.19") && { description: descriptionParam.optional() }),
    ...(version.atLeast("2.52") && { tags: z.array(tag).max(50).optional() }),
    ...(version.atLeast("2.63") && {
      trusted_image_certificates: z.array(z.string().min(1)).nullable().optional(),
    }),
    ...(version.atLeast("2.74") && {
      host: fqdnParam.optional(),
      hypervisor_hostname: fqdnParam.optional(),
    }),
    ...(version.atLeast("2.90") && {
      hostname: (version.atLeast("2.94") ? fqdnParam : hostnameParam).optional(),
    }),
  });
  return z.strictObject({
    server,
    "os:scheduler_hints": hintsSchema.optional(),
    "OS-SCH-HNT:scheduler_hints": hintsSchema.optional(),
  });
}

export type CreateServerBody = z.output<ReturnType<typeof createServerSchema>>;

/** Nova's default `metadata_items` quota. */
export const MAX_METADATA_ITEMS = 128;

export interface CreateRequest {
  input: CreateServersInput;
  returnReservationId: boolean;
  /** echoed in the response, as Nova does */
  securityGroups: { name: string }[];
  adminPass: string | undefined;
}

/** What a valid POST /servers body asks the conductor for; 400/403 for what cannot be done. */
export function createRequest(body: CreateServerBody, version: Microversion): CreateRequest {
  const s = body.server;
  const unsupported = (what: string): never => {
    throw HttpError.badRequest(`${what} is not supported by this cloud.`);
  };
  if (s.block_device_mapping?.length || s.block_device_mapping_v2?.length) {
    unsupported("Booting from or attaching block devices (block_device_mapping)");
  }
  if ("personality" in s && (s.personality as unknown[] | undefined)?.length) {
    unsupported("File injection (personality)");
  }
  if (s.config_drive) unsupported("A config drive");
  if ("tags" in s && (s.tags as string[] | undefined)?.length) unsupported("Server tags");
  if (
    "trusted_image_certificates" in s &&
    (s.trusted_image_certificates as string[] | null)?.length
  ) {
    unsupported("Trusted image certificates");
  }
  if (("host" in s && s.host) || ("hypervisor_hostname" in s && s.hypervisor_hostname)) {
    unsupported(
      "Requesting a host (host, hypervisor_hostname); admins may use availability_zone 'zone:host'",
    );
  }
  if (!s.imageRef) throw HttpError.badRequest("Missing imageRef attribute");

  const minCount = s.min_count ?? 1;
  const maxCount = s.max_count ?? minCount;
  if (minCount > maxCount) throw HttpError.badRequest("min_count must be <= max_count");
  if (maxCount > 1000) throw HttpError.badRequest("max_count may not be more than 1000");

  const hostname = (s as { hostname?: string }).hostname ?? null;
  if (hostname !== null && maxCount > 1) {
    throw HttpError.badRequest("Unable to allocate a single hostname to multiple instances");
  }

  const metadata = s.metadata ?? {};
  if (Object.keys(metadata).length > MAX_METADATA_ITEMS) {
    throw HttpError.forbidden(`Maximum number of metadata items exceeds ${MAX_METADATA_ITEMS}`);
  }

  const { zone, host } = parseAvailabilityZone(s.availability_zone);
  const hints = body["os:scheduler_hints"] ?? body["OS-SCH-HNT:scheduler_hints"] ?? {};
  const groups = hints.group === undefined ? [] : [hints.group].flat();
  if (groups.length > 1) throw HttpError.badRequest("Only one server group may be given.");

  // Before 2.19 Nova sets the description to the name.
  const description = version.atLeast("2.19")
    ? ((s as { description?: string | null }).description ?? null)
    : s.name;

  return {
    input: {
      name: s.name,
      imageRef: canonicalUuid(idFromHref(s.imageRef)),
      flavorRef: idFromHref(s.flavorRef),
      minCount,
      maxCount,
      availabilityZone: zone,
      forceHost: host,
      keyName: s.key_name ?? null,
      metadata,
      userData: s.user_data ?? null,
      description,
      hostname,
      serverGroup: groups[0] ?? null,
      schedulerHints: Object.fromEntries(
        Object.entries(hints).map(([k, v]) => [k, Array.isArray(v) ? v : [v]]),
      ) as CreateServersInput["schedulerHints"],
      accessIpV4: s.accessIPv4 ?? null,
      accessIpV6: s.accessIPv6 ?? null,
    },
    returnReservationId: s.return_reservation_id ?? false,
    securityGroups: (s.security_groups ?? [{ name: "default" }]).map((g) => ({
      name: g.name ?? "default",
    })),
    adminPass: s.adminPass,
  };
}

/**
 * Nova's legacy `zone:host` (and `zone:host:node`) way for an admin to force a host. One node per
 * host here, so a node names its host; `zone::node` alone cannot be resolved and is refused.
 */
export function parseAvailabilityZone(value: string | undefined): {
  zone: string | null;
  host: string | null;
} {
  if (!value) return { zone: null, host: null };
  const parts = value.split(":");
  if (parts.length > 3) throw HttpError.badRequest("Unable to parse availability_zone");
  const [zone = "", host = "", node = ""] = parts;
  if (!host && node) {
    throw HttpError.badRequest("Forcing a node without its host (zone::node) is not supported.");
  }
  return { zone: zone || null, host: host || null };
}

/** The PUT /servers/{id} schema for a microversion. */
export function updateServerSchema(version: Microversion) {
  return z.strictObject({
    server: z.strictObject({
      name: nameParam.optional(),
      "OS-DCF:diskConfig": z.enum(["AUTO", "MANUAL"]).optional(),
      accessIPv4: ipv4.optional(),
      accessIPv6: ipv6.optional(),
      ...(version.atLeast("2.19") && { description: descriptionParam.optional() }),
      ...(version.atLeast("2.90") && {
        hostname: (version.atLeast("2.94") ? fqdnParam : hostnameParam).optional(),
      }),
    }),
  });
}

export function updateChanges(
  body: z.output<ReturnType<typeof updateServerSchema>>,
): ServerChanges {
  const s = body.server as {
    name?: string;
    description?: string | null;
    hostname?: string;
    accessIPv4?: string;
    accessIPv6?: string;
  };
  return {
    ...(s.name !== undefined && { name: s.name }),
    ...(s.description !== undefined && { description: s.description }),
    ...(s.hostname !== undefined && { hostname: s.hostname }),
    ...(s.accessIPv4 !== undefined && { accessIpV4: s.accessIPv4 }),
    ...(s.accessIPv6 !== undefined && { accessIpV6: s.accessIPv6 }),
  };
}
