// Glance's image view: the core fields, and the free-form properties beside them.
import type { Image } from "@nimbus/rpc";

/** Glance's own keys: an image property of the same name never shadows them. */
const CORE_KEYS = new Set([
  "id",
  "name",
  "status",
  "visibility",
  "protected",
  "os_hidden",
  "checksum",
  "os_hash_algo",
  "os_hash_value",
  "owner",
  "size",
  "virtual_size",
  "min_ram",
  "min_disk",
  "disk_format",
  "container_format",
  "created_at",
  "updated_at",
  "tags",
  "self",
  "file",
  "schema",
  "locations",
  "direct_url",
]);

export function imageView(image: Image) {
  const view: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(image.properties)) if (!CORE_KEYS.has(k)) view[k] = v;
  return Object.assign(view, {
    id: image.id,
    name: image.name,
    status: image.status,
    visibility: image.visibility,
    protected: image.protected,
    // Hidden images are not kept here: every image shows in the default list.
    os_hidden: false,
    checksum: image.checksum,
    os_hash_algo: image.osHashAlgo,
    os_hash_value: image.osHashValue,
    owner: image.owner,
    size: image.size,
    virtual_size: image.virtualSize,
    min_ram: image.minRam,
    min_disk: image.minDisk,
    disk_format: image.diskFormat,
    container_format: image.containerFormat,
    created_at: glanceTime(image.createdAt),
    updated_at: glanceTime(image.updatedAt),
    tags: image.tags,
    self: `/v2/images/${image.id}`,
    file: `/v2/images/${image.id}/file`,
    schema: "/v2/schemas/image",
  });
}

/** oslo timeutils.isotime: whole seconds, "Z". */
function glanceTime(iso: string): string {
  return `${new Date(iso).toISOString().slice(0, 19)}Z`;
}
