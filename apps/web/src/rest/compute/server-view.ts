// Nova's server views (nova/api/openstack/compute/views/servers.py) for every microversion up to
// MAX_MICROVERSION, built from the plain Instance model. What a caller may see (admin attributes,
// host status, fault details, flavor extra specs) is decided once per request, so rendering a page
// of a thousand servers is a tight loop.
//
// Nimbus has no networking yet: `addresses` is always {} and servers have no ports, hence no
// `security_groups` (Nova omits the key for a server without ports). No volumes, tags, config
// drives or trusted certificates either: those render as Nova renders their absence.
import type { Instance, InstanceFault } from "@nimbus/rpc";
import { allowed, statusFromState, type Credentials } from "@nimbus/rpc/domain";
import type { HostStatus } from "../../services/hosts";
import { computeResourceLinks, type Link } from "../links";
import type { Microversion } from "../microversion";
import { hostId, isotime, perfectTimeOrNull } from "./format";

export interface ServerViewContext {
  /** Base URL for links (links.ts `baseUrl`). */
  base: string;
  version: Microversion;
  /** Fault details of code-500 faults are for admins only. */
  isAdmin: boolean;
  /** OS-EXT-SRV-ATTR:* (policy servers:show:host_attributes). */
  extendedAttributes: boolean;
  /** `extra_specs` in the embedded flavor (≥ 2.47, servers:show:flavor_extra_specs). */
  flavorExtraSpecs: boolean;
  /** Set when `host_status` is shown (≥ 2.16, servers:show:host_status): status by host. */
  hostStatuses?: ReadonlyMap<string, HostStatus>;
  /** Microversion bands, resolved once. */
  at: Bands;
  /** hostId by project + host: a page of servers shares few hosts, and sha224 is the costly part. */
  hostIds: Map<string, string>;
}

const BANDS = [
  "2.3",
  "2.9",
  "2.16",
  "2.19",
  "2.26",
  "2.47",
  "2.63",
  "2.71",
  "2.73",
  "2.75",
  "2.90",
  "2.96",
  "2.98",
  "2.100",
] as const;
type Bands = Record<(typeof BANDS)[number], boolean>;

/** Whether this request's caller may see host statuses (worth fetching them). */
export function showsHostStatus(version: Microversion, creds: Credentials): boolean {
  return version.atLeast("2.16") && allowed(creds, "servers:show:host_status");
}

export function serverViewContext(
  base: string,
  version: Microversion,
  creds: Credentials & { isAdmin: boolean },
  hostStatuses?: ReadonlyMap<string, HostStatus>,
): ServerViewContext {
  const at = Object.fromEntries(BANDS.map((b) => [b, version.atLeast(b)])) as Bands;
  return {
    base,
    version,
    isAdmin: creds.isAdmin,
    extendedAttributes: allowed(creds, "servers:show:host_attributes"),
    flavorExtraSpecs: at["2.47"] && allowed(creds, "servers:show:flavor_extra_specs"),
    ...(hostStatuses && showsHostStatus(version, creds) && { hostStatuses }),
    at,
    hostIds: new Map(),
  };
}

/** The index entry: id, name and links. */
export function serverSummaryView(instance: Instance, base: string) {
  return {
    id: instance.uuid,
    name: instance.name,
    links: computeResourceLinks(base, "servers", instance.uuid),
  };
}

/** What POST /servers answers: the first server, with the password it was "given". */
export function createdServerView(
  instance: Instance,
  base: string,
  securityGroups: { name: string }[],
  adminPass: string,
) {
  return {
    server: {
      id: instance.uuid,
      links: computeResourceLinks(base, "servers", instance.uuid),
      "OS-DCF:diskConfig": "MANUAL",
      security_groups: securityGroups,
      adminPass,
    },
  };
}

const PROGRESS_STATUSES = new Set([
  "ACTIVE",
  "BUILD",
  "REBUILD",
  "RESIZE",
  "VERIFY_RESIZE",
  "MIGRATING",
]);

/**
 * One server in full. `show` is GET /servers/{id}; `detail` an entry of /servers/detail (no
 * server_groups); `update` is PUT's answer, which before 2.75 leaves out the AZ, key, usage,
 * state, volume and admin attributes.
 */
export function serverView(
  instance: Instance,
  vc: ServerViewContext,
  mode: "show" | "detail" | "update",
): Record<string, unknown> {
  const { at } = vc;
  const everything = mode !== "update" || at["2.75"];
  const status = instance.deletedAt
    ? "DELETED"
    : statusFromState(instance.vmState, instance.taskState);

  const server: Record<string, unknown> = {
    id: instance.uuid,
    name: instance.name,
    status,
    tenant_id: instance.projectId,
    user_id: instance.userId,
    metadata: instance.metadata,
    hostId: cachedHostId(vc, instance.projectId, instance.host),
    image: imageView(instance, vc),
    flavor: flavorView(instance, vc),
    created: isotime(instance.createdAt),
    updated: isotime(instance.updatedAt),
    addresses: {},
    accessIPv4: instance.accessIpV4 ?? "",
    accessIPv6: instance.accessIpV6 ?? "",
    links: computeResourceLinks(vc.base, "servers", instance.uuid),
    "OS-DCF:diskConfig": "MANUAL",
  };
  if ((status === "ERROR" || status === "DELETED") && instance.fault) {
    server.fault = faultView(instance.fault, vc.isAdmin);
  }
  if (PROGRESS_STATUSES.has(status)) server.progress = instance.progress;

  if (everything) {
    server["OS-EXT-AZ:availability_zone"] = instance.availabilityZone ?? "";
    server.config_drive = "";
    server.key_name = instance.keyName;
    server["OS-SRV-USG:launched_at"] = perfectTimeOrNull(instance.launchedAt);
    server["OS-SRV-USG:terminated_at"] = perfectTimeOrNull(instance.terminatedAt);
    server["OS-EXT-STS:task_state"] = instance.taskState;
    server["OS-EXT-STS:vm_state"] = instance.vmState;
    server["OS-EXT-STS:power_state"] = instance.powerState;
    server["os-extended-volumes:volumes_attached"] = [];
  }

  const extended = everything && vc.extendedAttributes;
  if (extended) {
    server["OS-EXT-SRV-ATTR:host"] = instance.host;
    server["OS-EXT-SRV-ATTR:instance_name"] = `instance-${instance.uuid.toLowerCase()}`;
    server["OS-EXT-SRV-ATTR:hypervisor_hostname"] = instance.node;
    if (at["2.3"]) {
      server["OS-EXT-SRV-ATTR:hostname"] = instance.hostname;
      server["OS-EXT-SRV-ATTR:kernel_id"] = "";
      server["OS-EXT-SRV-ATTR:ramdisk_id"] = "";
      server["OS-EXT-SRV-ATTR:launch_index"] = instance.launchIndex;
      server["OS-EXT-SRV-ATTR:reservation_id"] = instance.reservationId;
      // The driver attaches the root disk as virtio vda; Nova records it once the guest is built.
      server["OS-EXT-SRV-ATTR:root_device_name"] = instance.launchedAt ? "/dev/vda" : null;
      server["OS-EXT-SRV-ATTR:user_data"] = instance.userData;
    }
  }

  if (at["2.9"]) server.locked = instance.locked;
  if (at["2.16"] && everything && vc.hostStatuses) {
    server.host_status = instance.host ? (vc.hostStatuses.get(instance.host) ?? "") : "";
  }
  if (at["2.19"]) server.description = instance.description;
  if (at["2.26"]) server.tags = [];
  if (at["2.63"]) server.trusted_image_certificates = null;
  if (at["2.71"] && mode !== "detail") server.server_groups = instance.serverGroups;
  if (at["2.73"]) server.locked_reason = instance.lockedReason;
  // 2.90 shows every user the hostname that was an admin attribute.
  if (at["2.90"] && !extended) server["OS-EXT-SRV-ATTR:hostname"] = instance.hostname;
  if (at["2.96"] && everything) server.pinned_availability_zone = instance.pinnedAvailabilityZone;
  if (at["2.100"]) server.scheduler_hints = instance.schedulerHints;
  return server;
}

function cachedHostId(vc: ServerViewContext, projectId: string, host: string | null): string {
  if (!host) return "";
  const key = `${projectId}\n${host}`;
  let id = vc.hostIds.get(key);
  if (id === undefined) {
    id = hostId(projectId, host);
    vc.hostIds.set(key, id);
  }
  return id;
}

function imageView(instance: Instance, vc: ServerViewContext) {
  if (!instance.imageRef) return "";
  const id = idFromHref(instance.imageRef);
  const image: Record<string, unknown> = {
    id,
    links: [bookmark(vc.base, "images", id)],
  };
  if (vc.at["2.98"]) image.properties = instance.imageProperties;
  return image;
}

function flavorView(instance: Instance, vc: ServerViewContext) {
  const f = instance.flavor;
  if (!vc.at["2.47"]) return { id: f.id, links: [bookmark(vc.base, "flavors", f.id)] };
  const flavor: Record<string, unknown> = {
    vcpus: f.vcpus,
    ram: f.memoryMb,
    disk: f.rootGb,
    ephemeral: f.ephemeralGb,
    swap: f.swap,
    original_name: f.name,
  };
  if (vc.flavorExtraSpecs) flavor.extra_specs = f.extraSpecs;
  return flavor;
}

function faultView(fault: InstanceFault, isAdmin: boolean) {
  const view: Record<string, unknown> = {
    code: fault.code,
    created: isotime(fault.createdAt),
    message: fault.message,
  };
  // A 500's details may be a traceback: admins only. Other codes explain themselves to users.
  if (fault.details && (isAdmin || fault.code !== 500)) view.details = fault.details;
  return view;
}

function bookmark(base: string, collection: string, id: string): Link {
  return computeResourceLinks(base, collection, id)[1] as Link;
}

/** The id at the end of an href (an imageRef may be a URL), as nova's common.get_id_from_href. */
export function idFromHref(ref: string): string {
  const path = ref.split("?")[0]?.replace(/\/+$/, "") ?? "";
  return path.slice(path.lastIndexOf("/") + 1);
}
