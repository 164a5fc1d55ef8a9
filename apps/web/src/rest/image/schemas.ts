// GET /v2/schemas/image and /v2/schemas/images: the JSON schemas glanceclient builds its image
// model from (openstackclient does not fetch them). Free-form properties are strings, as in Glance.
import { CONTAINER_FORMATS, DISK_FORMATS, IMAGE_STATUSES, IMAGE_VISIBILITIES } from "@nimbus/rpc";
import type { RouteModule } from "../app";
import type { AuthedEnv } from "../context";

const nullable = (type: string) => ["null", type];

export function imageSchema() {
  return {
    name: "image",
    properties: {
      id: {
        type: "string",
        description: "The image's identifier (a UUID)",
        pattern:
          "^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){12}$",
      },
      name: { type: nullable("string"), description: "A name for people", maxLength: 255 },
      status: {
        type: "string",
        readOnly: true,
        description: "Where the image is in its life: queued until data arrives, then active",
        enum: [...IMAGE_STATUSES],
      },
      visibility: {
        type: "string",
        description: "Who may see and use the image",
        enum: [...IMAGE_VISIBILITIES],
      },
      protected: { type: "boolean", description: "A protected image cannot be deleted" },
      os_hidden: {
        type: "boolean",
        description: "Hidden images stay out of the default list (always false here)",
      },
      checksum: {
        type: nullable("string"),
        readOnly: true,
        description: "MD5 of the data, hex",
        maxLength: 32,
      },
      os_hash_algo: {
        type: nullable("string"),
        readOnly: true,
        description: "The algorithm of os_hash_value",
        maxLength: 64,
      },
      os_hash_value: {
        type: nullable("string"),
        readOnly: true,
        description: "The data's digest by os_hash_algo, hex",
        maxLength: 128,
      },
      owner: { type: nullable("string"), description: "The owning project", maxLength: 255 },
      size: { type: nullable("integer"), readOnly: true, description: "Bytes of data" },
      virtual_size: {
        type: nullable("integer"),
        readOnly: true,
        description: "The size of the disk the data describes, in bytes",
      },
      container_format: {
        type: nullable("string"),
        description: "What wraps the disk",
        enum: [null, ...CONTAINER_FORMATS],
      },
      disk_format: {
        type: nullable("string"),
        description: "The disk's format",
        enum: [null, ...DISK_FORMATS],
      },
      created_at: { type: "string", readOnly: true, description: "When the image was created" },
      updated_at: { type: "string", readOnly: true, description: "When it last changed" },
      tags: {
        type: "array",
        description: "Labels for the image",
        items: { type: "string", maxLength: 255 },
      },
      direct_url: { type: "string", readOnly: true, description: "Not shown by this cloud" },
      min_ram: { type: "integer", description: "MiB of RAM a server of this image needs" },
      min_disk: { type: "integer", description: "GiB of disk a server of this image needs" },
      self: { type: "string", readOnly: true, description: "The image's path" },
      file: { type: "string", readOnly: true, description: "The path of its data" },
      schema: { type: "string", readOnly: true, description: "The path of this schema" },
      locations: {
        type: "array",
        items: {
          type: "object",
          properties: { url: { type: "string", maxLength: 255 }, metadata: { type: "object" } },
          required: ["url", "metadata"],
        },
        description: "Not shown by this cloud",
      },
    },
    additionalProperties: { type: "string" },
    links: [
      { rel: "self", href: "{self}" },
      { rel: "enclosure", href: "{file}" },
      { rel: "describedby", href: "{schema}" },
    ],
  };
}

export function imagesSchema() {
  return {
    name: "images",
    properties: {
      images: { type: "array", items: imageSchema() },
      schema: { type: "string" },
      first: { type: "string" },
      next: { type: "string" },
    },
    links: [
      { rel: "first", href: "{first}" },
      { rel: "next", href: "{next}" },
      { rel: "describedby", href: "{schema}" },
    ],
  };
}

export const imageSchemas: RouteModule<AuthedEnv> = (r) => {
  r.get("/schemas/image", (c) => c.json(imageSchema()));
  r.get("/schemas/images", (c) => c.json(imagesSchema()));
};
