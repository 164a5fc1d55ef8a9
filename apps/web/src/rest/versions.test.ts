import { describe, expect, it } from "vitest";
import { MAX_MICROVERSION } from "./microversion";
import {
  computeVersion,
  computeVersionList,
  identityVersion,
  identityVersionList,
  imageVersionList,
} from "./versions";

const base = "http://cloud.example:8080";

describe("compute version documents", () => {
  it("lists v2.0 first and v2.1 as CURRENT at the maximum microversion, as Nova does", () => {
    expect(computeVersionList(base)).toEqual({
      versions: [
        {
          id: "v2.0",
          status: "DEPRECATED",
          version: "",
          min_version: "",
          updated: "2025-07-04T12:00:00Z",
          links: [{ rel: "self", href: `${base}/compute/v2/` }],
        },
        {
          id: "v2.1",
          status: "CURRENT",
          version: MAX_MICROVERSION,
          min_version: "2.1",
          updated: "2013-07-23T11:33:21Z",
          links: [{ rel: "self", href: `${base}/compute/v2.1/` }],
        },
      ],
    });
  });

  it("describes v2.1 with its media type, and each version's self link matches the list's", () => {
    expect(computeVersion(base, "v2.1")).toEqual({
      version: {
        id: "v2.1",
        status: "CURRENT",
        version: MAX_MICROVERSION,
        min_version: "2.1",
        updated: "2013-07-23T11:33:21Z",
        links: [
          { rel: "self", href: `${base}/compute/v2.1/` },
          { rel: "describedby", type: "text/html", href: "http://docs.openstack.org/" },
        ],
        "media-types": [
          { base: "application/json", type: "application/vnd.openstack.compute+json;version=2.1" },
        ],
      },
    });
    // tempest's test_get_version_details follows every listed self link and compares.
    for (const listed of computeVersionList(base).versions) {
      const doc = computeVersion(base, listed.id);
      expect(doc.version.links.filter((l) => l.rel === "self")).toEqual(listed.links);
    }
  });
});

describe("identity version documents", () => {
  it("follows Keystone's v3 document", () => {
    const v3 = {
      id: "v3.14",
      status: "stable",
      updated: "2020-04-07T00:00:00Z",
      links: [{ rel: "self", href: `${base}/identity/v3/` }],
      "media-types": [
        { base: "application/json", type: "application/vnd.openstack.identity-v3+json" },
      ],
    };
    expect(identityVersion(base)).toEqual({ version: v3 });
    expect(identityVersionList(base)).toEqual({ versions: { values: [v3] } });
  });
});

describe("image version documents", () => {
  it("lists one CURRENT version, all pointing at /image/v2/", () => {
    const { versions } = imageVersionList(base);
    expect(versions.filter((v) => v.status === "CURRENT").map((v) => v.id)).toEqual(["v2.17"]);
    expect(versions.map((v) => v.id)).toContain("v2.0");
    for (const v of versions) expect(v.links).toEqual([{ rel: "self", href: `${base}/image/v2/` }]);
  });
});
