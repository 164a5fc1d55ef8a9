import { describe, expect, it } from "vitest";
import { anImage } from "../../../test/fixtures";
import { parseRange } from "./image-data";
import { imageView } from "./view";

describe("Glance image view", () => {
  it("has Glance's core fields, with the properties beside them", () => {
    const image = anImage({ properties: { architecture: "x86_64", status: "spoofed" } });
    const view = imageView(image);
    expect(Object.keys(view).sort()).toEqual(
      [
        "architecture",
        "checksum",
        "container_format",
        "created_at",
        "disk_format",
        "file",
        "id",
        "min_disk",
        "min_ram",
        "name",
        "os_hash_algo",
        "os_hash_value",
        "os_hidden",
        "owner",
        "protected",
        "schema",
        "self",
        "size",
        "status",
        "tags",
        "updated_at",
        "virtual_size",
        "visibility",
      ].sort(),
    );
    expect(view).toMatchObject({
      status: "active",
      self: `/v2/images/${image.id}`,
      file: `/v2/images/${image.id}/file`,
      schema: "/v2/schemas/image",
      created_at: "2026-01-02T03:04:05Z",
    });
    expect(view).not.toHaveProperty("location");
  });
});

describe("byte ranges", () => {
  it("reads single ranges, open-ended and suffix ones", () => {
    expect(parseRange(undefined, 10)).toBeNull();
    expect(parseRange("bytes=0-4", 10)).toEqual([0, 4]);
    expect(parseRange("bytes=5-", 10)).toEqual([5, 9]);
    expect(parseRange("bytes=5-100", 10)).toEqual([5, 9]);
    expect(parseRange("bytes=-3", 10)).toEqual([7, 9]);
  });

  it("calls unsatisfiable or unreadable ranges bad", () => {
    for (const h of [
      "bytes=10-",
      "bytes=5-4",
      "bytes=-0",
      "bytes=0-1,3-4",
      "items=0-1",
      "bytes=-",
    ]) {
      expect(parseRange(h, 10)).toBe("bad");
    }
  });
});
