// Version discovery documents. Clients (keystoneauth, tempest) fetch these before anything else, so
// they follow Nova's, Keystone's and Glance's own documents field for field.
import { serviceRoot } from "./links";
import { MAX_MICROVERSION, MIN_MICROVERSION } from "./microversion";

const DOCS = "http://docs.openstack.org/";

/** Nova's VERSIONS (nova/api/openstack/compute/versions.py); v2.0 is listed as Nova lists it. */
const COMPUTE_VERSIONS = {
  "v2.0": {
    id: "v2.0",
    status: "DEPRECATED",
    version: "",
    min_version: "",
    updated: "2025-07-04T12:00:00Z",
    path: "v2",
    mediaType: "application/vnd.openstack.compute+json;version=2",
  },
  "v2.1": {
    id: "v2.1",
    status: "CURRENT",
    version: MAX_MICROVERSION,
    min_version: MIN_MICROVERSION,
    updated: "2013-07-23T11:33:21Z",
    path: "v2.1",
    mediaType: "application/vnd.openstack.compute+json;version=2.1",
  },
} as const;

export type ComputeVersionId = keyof typeof COMPUTE_VERSIONS;

/** `GET /compute/`: every major version with a self link. */
export function computeVersionList(base: string) {
  return {
    versions: Object.values(COMPUTE_VERSIONS).map((v) => ({
      id: v.id,
      status: v.status,
      version: v.version,
      min_version: v.min_version,
      updated: v.updated,
      links: [{ rel: "self", href: `${serviceRoot(base, "compute")}/${v.path}/` }],
    })),
  };
}

/** `GET /compute/v2.1/` (and `/compute/v2/`): one version with its media types. */
export function computeVersion(base: string, id: ComputeVersionId) {
  const v = COMPUTE_VERSIONS[id];
  return {
    version: {
      id: v.id,
      status: v.status,
      version: v.version,
      min_version: v.min_version,
      updated: v.updated,
      links: [
        { rel: "self", href: `${serviceRoot(base, "compute")}/${v.path}/` },
        { rel: "describedby", type: "text/html", href: DOCS },
      ],
      "media-types": [{ base: "application/json", type: v.mediaType }],
    },
  };
}

/** Keystone's v3 (keystone/api/discovery.py). */
function identityV3(base: string) {
  return {
    id: "v3.14",
    status: "stable",
    updated: "2020-04-07T00:00:00Z",
    links: [{ rel: "self", href: `${serviceRoot(base, "identity")}/v3/` }],
    "media-types": [
      { base: "application/json", type: "application/vnd.openstack.identity-v3+json" },
    ],
  };
}

/** `GET /identity/`: answered with 300 Multiple Choices and a Location, as Keystone does. */
export function identityVersionList(base: string) {
  return { versions: { values: [identityV3(base)] } };
}

/** `GET /identity/v3`. */
export function identityVersion(base: string) {
  return { version: identityV3(base) };
}

/**
 * Glance's list for a deployment without an image cache or multiple stores (glance/api/versions.py),
 * in Glance's order. Glance has no microversion negotiation: every entry points at the same /v2/.
 */
const IMAGE_VERSIONS: ReadonlyArray<readonly [string, "CURRENT" | "SUPPORTED"]> = [
  ["2.15", "SUPPORTED"],
  ["2.9", "SUPPORTED"],
  ["2.17", "CURRENT"],
  ["2.7", "SUPPORTED"],
  ["2.6", "SUPPORTED"],
  ["2.5", "SUPPORTED"],
  ["2.4", "SUPPORTED"],
  ["2.3", "SUPPORTED"],
  ["2.2", "SUPPORTED"],
  ["2.1", "SUPPORTED"],
  ["2.0", "SUPPORTED"],
];

/** `GET /image/` (300) and `GET /image/versions` (200). */
export function imageVersionList(base: string) {
  const href = `${serviceRoot(base, "image")}/v2/`;
  return {
    versions: IMAGE_VERSIONS.map(([v, status]) => ({
      id: `v${v}`,
      status,
      links: [{ rel: "self", href }],
    })),
  };
}
