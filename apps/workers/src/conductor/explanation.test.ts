import type { Explanation } from "@nimbus/rpc";
import { describe, expect, it } from "vitest";
import {
  explanationDetails,
  noValidHostMessage,
  summarizeExplanation,
  truncateMessage,
  withLastFailure,
} from "./explanation";

const explanation: Explanation = {
  hostsConsidered: 3,
  filters: [
    {
      name: "ComputeFilter",
      before: 3,
      after: 2,
      removed: [{ host: "c", reason: "compute service is down" }],
    },
    {
      name: "RamFilter",
      before: 2,
      after: 0,
      removed: [
        { host: "a", reason: "not enough free RAM" },
        { host: "b", reason: "not enough free RAM" },
      ],
    },
    { name: "DiskFilter", before: 0, after: 0, removed: [] },
  ],
  weighed: [],
};

describe("summarizeExplanation", () => {
  it("names each filter that removed hosts, with how many and why", () => {
    expect(summarizeExplanation(explanation)).toBe(
      "ComputeFilter removed 1 host (compute service is down); RamFilter removed 2 hosts (not enough free RAM).",
    );
  });

  it("says so when there are no hosts at all", () => {
    expect(summarizeExplanation({ hostsConsidered: 0, filters: [], weighed: [] })).toBe(
      "There are no compute hosts.",
    );
  });

  it("uses the most common reason when hosts were removed for different ones", () => {
    const mixed: Explanation = {
      hostsConsidered: 3,
      filters: [
        {
          name: "ImagePropertiesFilter",
          before: 3,
          after: 0,
          removed: [
            { host: "a", reason: "architecture aarch64 wanted" },
            { host: "b", reason: "hypervisor_type xen wanted" },
            { host: "c", reason: "hypervisor_type xen wanted" },
          ],
        },
      ],
      weighed: [],
    };
    expect(summarizeExplanation(mixed)).toBe(
      "ImagePropertiesFilter removed 3 hosts (hypervisor_type xen wanted).",
    );
  });
});

describe("noValidHostMessage", () => {
  it("starts with Nova's sentence and fits in a fault message", () => {
    const message = noValidHostMessage(explanation);
    expect(message).toMatch(/^No valid host was found\. ComputeFilter removed 1 host/);
    const long = noValidHostMessage(explanation, "x".repeat(400));
    expect(long).toHaveLength(255);
    expect(long.endsWith("…")).toBe(true);
  });

  it("works without an explanation", () => {
    expect(noValidHostMessage(null, "Every host filled up meanwhile.")).toBe(
      "No valid host was found. Every host filled up meanwhile.",
    );
  });
});

describe("truncateMessage", () => {
  it("leaves short messages alone", () => {
    expect(truncateMessage("short")).toBe("short");
  });
});

describe("explanationDetails", () => {
  it("is the explanation as JSON when it fits", () => {
    expect(JSON.parse(explanationDetails(explanation))).toEqual(explanation);
  });

  it("cuts the lists of removed hosts to fit, keeping the counts", () => {
    const removed = Array.from({ length: 50 }, (_, i) => ({
      host: `host-${i}`,
      reason: "é".repeat(400),
    }));
    const big: Explanation = {
      hostsConsidered: 500,
      filters: Array.from({ length: 6 }, (_, i) => ({
        name: `F${i}`,
        before: 500,
        after: 450,
        removed,
      })),
      weighed: [],
    };
    const json = explanationDetails(big);
    expect(Buffer.byteLength(json)).toBeLessThanOrEqual(65_535);
    const parsed = JSON.parse(json) as Explanation;
    expect(parsed.filters.map((f) => [f.before, f.after])).toEqual(
      big.filters.map(() => [500, 450]),
    );
    expect(parsed.filters[0]!.removed.length).toBeGreaterThan(0);
    expect(parsed.filters[0]!.removed.length).toBeLessThan(50);
  });
});

describe("withLastFailure", () => {
  const message = noValidHostMessage(explanation);

  it("adds where and why the build's last attempt failed", () => {
    expect(withLastFailure(message, { host: "node-q", reason: "image API unreachable" })).toBe(
      "No valid host was found. ComputeFilter removed 1 host (compute service is down); " +
        "RamFilter removed 2 hosts (not enough free RAM); " +
        "the last attempt failed on node-q: image API unreachable.",
    );
    expect(withLastFailure("No valid host was found.", { host: "h", reason: "boom" })).toBe(
      "No valid host was found. The last attempt failed on h: boom.",
    );
    expect(withLastFailure(message, undefined)).toBe(message);
  });

  it("drops the filters' reasons before the failure's when the whole does not fit", () => {
    const reason = `image 3f0a4887-1296-4bc4-a5fc-414857e5d067: download failed: image API unreachable: connect ECONNREFUSED 127.0.0.1:9`;
    const fault = withLastFailure(message, { host: "node-q", reason });
    expect(fault).toBe(
      "No valid host was found. ComputeFilter removed 1 host; RamFilter removed 2 hosts; " +
        `the last attempt failed on node-q: ${reason}.`,
    );
    const long = withLastFailure(message, { host: "node-q", reason: "x".repeat(300) });
    expect(long).toHaveLength(255);
    expect(long).toMatch(/^No valid host was found\. ComputeFilter removed 1 host; .*x…$/);
  });
});
