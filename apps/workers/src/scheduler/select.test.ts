// The selection logic on a host view of fake nodes: filters, weighers, alternates, explanations.
import { randomUUID } from "node:crypto";
import { explanationSchema, isRpcError, type RpcError } from "@nimbus/rpc";
import { describe, expect, it } from "vitest";
import { loadConfig } from "./config";
import { allFilters } from "./filters";
import { HostView } from "./host-state";
import { selectorFromConfig } from "./scheduler";
import { createSelector, MAX_REMOVED_LISTED, type SelectRequest } from "./select";
import { fakeNode, fakeSpec, type NodeOverrides, type SpecOverrides } from "./testing";
import { cpuWeigher } from "./weighers/cpu-weigher";
import { ramWeigher } from "./weighers/ram-weigher";

function viewOf(...nodes: [string, NodeOverrides?][]): HostView {
  const view = new HostView();
  for (const [host, overrides] of nodes) view.upsert(fakeNode(host, overrides));
  return view;
}

const defaults = selectorFromConfig(loadConfig({}));
const request = (overrides: SpecOverrides = {}, alternates = 2): SelectRequest => ({
  spec: fakeSpec(overrides),
  alternates,
});
const chosen = (reply: ReturnType<typeof defaults>) =>
  reply.selections.map((s) => s.hosts[0]!.host);

function rejection(fn: () => unknown): RpcError {
  try {
    fn();
  } catch (err) {
    if (isRpcError(err)) return err;
    throw err;
  }
  throw new Error("expected no_valid_host");
}

describe("select", () => {
  it("spreads instances over equal hosts, within a request and across requests", () => {
    const view = viewOf(["a"], ["b"], ["c"]);
    expect(chosen(defaults(view, request({ count: 3 })))).toEqual(["a", "b", "c"]);
    expect(chosen(defaults(view, request({ count: 3 })))).toEqual(["a", "b", "c"]);
  });

  it("breaks ties by host name, and a report overwrites what it consumed", () => {
    const view = viewOf(["b"], ["a"]);
    expect(chosen(defaults(view, request()))).toEqual(["a"]);
    // the conductor's report for "a" (which did not claim, say) resets it: "a" wins again
    view.upsert(fakeNode("a", { id: view.hosts().find((h) => h.host === "a")!.nodeId }));
    expect(chosen(defaults(view, request()))).toEqual(["a"]);
  });

  it("prefers the host with the most free resources", () => {
    const view = viewOf(
      ["a", { memoryMbUsed: 4096 }],
      ["b", { memoryMbUsed: 1024 }],
      ["c", { memoryMbUsed: 6144 }],
    );
    const reply = defaults(view, request({}, 2));
    expect(reply.selections[0]!.hosts.map((h) => h.host)).toEqual(["b", "a", "c"]);
  });

  it("stacks with a negative RAM multiplier", () => {
    const stack = createSelector({
      filters: allFilters,
      weighers: [{ weigher: ramWeigher, multiplier: -1 }],
      hostSubsetSize: 1,
    });
    const view = viewOf(["a", { memoryMbUsed: 1024 }], ["b"]);
    expect(chosen(stack(view, request({ count: 3 })))).toEqual(["a", "a", "a"]);
  });

  it("gives a disabled host, a down host and a forced-down host nothing", () => {
    const view = viewOf(
      ["a", { service: { disabled: true } }],
      ["b", { service: { up: false } }],
      ["c", { service: { forcedDown: true } }],
      ["d"],
    );
    expect(chosen(defaults(view, request({ count: 4 })))).toEqual(["d", "d", "d", "d"]);
  });

  it("respects capacity with allocation ratios, consuming as it places", () => {
    // 2 GB of RAM × 1.5 = 3 GB: one 2 GB instance fits, a second does not
    const view = viewOf(["a", { memoryMb: 2048, ramAllocationRatio: 1.5 }]);
    const ok = defaults(view, request({ flavor: { memoryMb: 2048 } }));
    expect(chosen(ok)).toEqual(["a"]);
    const err = rejection(() => defaults(view, request({ flavor: { memoryMb: 2048 } })));
    expect(err.message).toBe(
      "No valid host was found. RamFilter removed 1 host (not enough free RAM).",
    );
  });

  it("places anti-affinity members on different hosts, also within one request", () => {
    const view = viewOf(["a"], ["b"], ["c"]);
    const group = { uuid: randomUUID(), policy: "anti-affinity" as const, hosts: ["b"] };
    expect(chosen(defaults(view, request({ count: 2, group })))).toEqual(["a", "c"]);
    const err = rejection(() => defaults(view, request({ count: 3, group })));
    expect(err.code).toBe("no_valid_host");
    expect(err.message).toBe(
      "No valid host was found. Only 2 of 3 instances fit. ServerGroupAntiAffinityFilter removed 3 hosts (server group anti-affinity).",
    );
  });

  it("a request that fails as a whole gives back what its first instances consumed", () => {
    const view = viewOf(["a"], ["b"]);
    const group = { uuid: randomUUID(), policy: "anti-affinity" as const, hosts: [] };
    rejection(() => defaults(view, request({ count: 3, group })));
    expect(view.hosts().map((h) => h.freeRamMb)).toEqual([8192, 8192]);
  });

  it("places affinity members together: on the group's host, or all on the first one chosen", () => {
    const view = viewOf(["a"], ["b", { memoryMbUsed: 4096 }], ["c"]);
    const existing = { uuid: randomUUID(), policy: "affinity" as const, hosts: ["b"] };
    expect(chosen(defaults(view, request({ count: 2, group: existing })))).toEqual(["b", "b"]);
    const fresh = { uuid: randomUUID(), policy: "affinity" as const, hosts: [] };
    expect(chosen(defaults(view, request({ count: 3, group: fresh })))).toEqual(["a", "a", "a"]);
  });

  it("soft anti-affinity spreads members but never fails for lack of hosts", () => {
    const view = viewOf(["a"], ["b"]);
    const group = { uuid: randomUUID(), policy: "soft-anti-affinity" as const, hosts: ["a"] };
    const reply = defaults(view, request({ count: 3, group }));
    expect(chosen(reply)).toEqual(["b", "a", "b"]);
  });

  it("soft affinity draws members to the group's host, as strongly as its multiplier says", () => {
    const strong = selectorFromConfig(
      loadConfig({ NIMBUS_SCHEDULER_SOFT_AFFINITY_WEIGHT_MULTIPLIER: "10" }),
    );
    const view = viewOf(["a"], ["b"]);
    const group = { uuid: randomUUID(), policy: "soft-affinity" as const, hosts: ["b"] };
    expect(chosen(strong(view, request({ count: 3, group })))).toEqual(["b", "b", "b"]);
    // with the default multiplier the three resource weighers outvote it once "b" fills up
    const other = viewOf(["a"], ["b"]);
    expect(chosen(defaults(other, request({ count: 2, group })))).toEqual(["b", "a"]);
  });

  it("returns distinct alternates that exclude the chosen host, best first", () => {
    const view = viewOf(
      ["a"],
      ["b", { memoryMbUsed: 1024 }],
      ["c", { memoryMbUsed: 2048 }],
      ["d", { memoryMbUsed: 3072 }],
    );
    const reply = defaults(view, request({ count: 2 }, 2));
    const [first, second] = reply.selections.map((s) => s.hosts.map((h) => h.host));
    expect(first).toEqual(["a", "b", "c"]);
    // "a" now has 2 GB of RAM, a vCPU and 20 GB less: it falls behind "c" and "d"
    expect(second).toEqual(["b", "c", "d"]);
    for (const s of reply.selections) expect(new Set(s.hosts.map((h) => h.host)).size).toBe(3);
    expect(defaults(view, request({}, 10)).selections[0]!.hosts).toHaveLength(4);
    expect(defaults(view, request({}, 0)).selections[0]!.hosts).toHaveLength(1);
  });

  it("names the node and node id of each choice", () => {
    const view = viewOf(["a", { id: 42, hypervisorHostname: "a.example" }]);
    expect(defaults(view, request()).selections[0]!.hosts[0]).toEqual({
      host: "a",
      node: "a.example",
      nodeId: 42,
    });
  });

  it("keeps away from the hosts a reschedule must avoid", () => {
    const view = viewOf(["a"], ["b"]);
    const reply = defaults(view, request({ ignoreHosts: ["a"] }));
    expect(reply.selections[0]!.hosts.map((h) => h.host)).toEqual(["b"]);
    expect(reply.explanation.filters[0]).toEqual({
      name: "IgnoreHosts",
      before: 2,
      after: 1,
      removed: [{ host: "a", reason: "this build failed on it before" }],
    });
  });

  it("a forced host is the only candidate, still checked for capacity and liveness", () => {
    const view = viewOf(["a"], ["b", { service: { disabled: true } }], ["c", { memoryMb: 1024 }]);
    expect(chosen(defaults(view, request({ forceHost: "b" })))).toEqual(["b"]);
    expect(rejection(() => defaults(view, request({ forceHost: "c" }))).message).toBe(
      "No valid host was found. ForceHost removed 2 hosts (not the requested host); RamFilter removed 1 host (not enough free RAM).",
    );
    expect(rejection(() => defaults(view, request({ forceHost: "zz" }))).message).toBe(
      "No valid host was found. ForceHost removed 3 hosts (not the requested host).",
    );
  });

  it("explains the decision: each filter's counts and removals, then the weights", () => {
    const view = viewOf(
      ["a"],
      ["b", { memoryMbUsed: 4096 }],
      ["c", { service: { up: false } }],
      ["d", { memoryMb: 1024 }],
    );
    const { explanation } = defaults(view, request());
    expect(explanation.hostsConsidered).toBe(4);
    const byName = Object.fromEntries(explanation.filters.map((f) => [f.name, f]));
    expect(explanation.filters.map((f) => f.name)).toEqual(allFilters.map((f) => f.name));
    expect(byName["ComputeFilter"]).toEqual({
      name: "ComputeFilter",
      before: 4,
      after: 3,
      removed: [{ host: "c", reason: "compute service is down" }],
    });
    expect(byName["RamFilter"]).toMatchObject({ before: 3, after: 2, removed: [{ host: "d" }] });
    expect(byName["AvailabilityZoneFilter"]).toEqual({
      name: "AvailabilityZoneFilter",
      before: 4,
      after: 4,
      removed: [],
    });
    expect(explanation.weighed).toEqual([
      { host: "a", weight: 1, weights: { RAMWeigher: 1, CPUWeigher: 0, DiskWeigher: 0 } },
      { host: "b", weight: 0, weights: { RAMWeigher: 0, CPUWeigher: 0, DiskWeigher: 0 } },
    ]);
  });

  it("weights are each weigher's multiplier × its normalized value", () => {
    const selector = createSelector({
      filters: [],
      weighers: [
        { weigher: ramWeigher, multiplier: 2 },
        { weigher: cpuWeigher, multiplier: 0.5 },
      ],
      hostSubsetSize: 1,
    });
    const view = viewOf(
      ["a", { memoryMbUsed: 0, vcpusUsed: 4 }],
      ["b", { memoryMbUsed: 4096, vcpusUsed: 0 }],
      ["c", { memoryMbUsed: 8192, vcpusUsed: 2 }],
    );
    expect(selector(view, request()).explanation.weighed).toEqual([
      { host: "a", weight: 2, weights: { RAMWeigher: 2, CPUWeigher: 0 } },
      { host: "b", weight: 1.5, weights: { RAMWeigher: 1, CPUWeigher: 0.5 } },
      { host: "c", weight: 0.25, weights: { RAMWeigher: 0, CPUWeigher: 0.25 } },
    ]);
  });

  it("lists at most ten weighed hosts and a bounded number of removals per filter", () => {
    const nodes: [string, NodeOverrides][] = [];
    for (let i = 0; i < 120; i++) {
      nodes.push([`h${String(i).padStart(3, "0")}`, { service: { up: i >= 100 } }]);
    }
    const { explanation } = defaults(viewOf(...nodes), request());
    const compute = explanation.filters.find((f) => f.name === "ComputeFilter")!;
    expect([compute.before, compute.after, compute.removed.length]).toEqual([
      120,
      20,
      MAX_REMOVED_LISTED,
    ]);
    expect(explanation.weighed).toHaveLength(10);
  });

  it("keeps every reason within the explanation contract, however many members a group has", () => {
    const hosts = Array.from({ length: 100 }, (_, i) => `member-host-${i}`);
    const view = viewOf(["a"], ...hosts.map((h): [string] => [h]));
    const group = { uuid: randomUUID(), policy: "affinity" as const, hosts };
    const { explanation } = defaults(view, request({ group }));
    const affinity = explanation.filters.find((f) => f.name === "ServerGroupAffinityFilter")!;
    expect(affinity.removed[0]!.reason).toHaveLength(500);
    expect(() => explanationSchema.parse(explanation)).not.toThrow();
  });

  it("no valid host: the message names the filters, the details hold the explanation", () => {
    const view = viewOf(
      ["a", { service: { disabled: true } }],
      ["b", { memoryMb: 1024 }],
      ["c", { memoryMb: 1024 }],
      ["d", { vcpus: 1, vcpusUsed: 1 }],
    );
    const err = rejection(() => defaults(view, request()));
    expect(err.code).toBe("no_valid_host");
    expect(err.message).toBe(
      "No valid host was found. ComputeFilter removed 1 host (compute service down or disabled); RamFilter removed 2 hosts (not enough free RAM); CoreFilter removed 1 host (not enough free vCPUs).",
    );
    const details = err.details as {
      hostsConsidered: number;
      filters: { name: string }[];
      weighed: unknown[];
    };
    expect(details.hostsConsidered).toBe(4);
    // filters stop once no host is left, as in Nova
    expect(details.filters.map((f) => f.name)).toEqual([
      "AvailabilityZoneFilter",
      "ComputeFilter",
      "RamFilter",
      "CoreFilter",
    ]);
    expect(details.weighed).toEqual([]);
  });

  it("no valid host with no hosts at all says so", () => {
    expect(rejection(() => defaults(new HostView(), request())).message).toBe(
      "No valid host was found. There are no compute hosts.",
    );
  });

  it("keeps the summary within a fault message's 255 characters", () => {
    const view = viewOf(
      ["a", { service: { up: false } }],
      ["b", { availabilityZone: "other" }],
      ["c", { memoryMb: 1 }],
      ["d", { vcpus: 0 }],
      ["e", { localGb: 1 }],
      ["f", { cpuInfo: { arch: "aarch64" } }],
    );
    const err = rejection(() =>
      defaults(
        view,
        request({
          availabilityZone: "nova",
          count: 5,
          image: { properties: { architecture: "x86_64" } },
        }),
      ),
    );
    expect(err.message.length).toBeLessThanOrEqual(255);
    expect(err.message.endsWith("…")).toBe(true);
  });

  it("host_subset_size picks among the best N at random", () => {
    const view = viewOf(["a"], ["b", { memoryMbUsed: 1024 }], ["c", { memoryMbUsed: 2048 }]);
    const pick = (r: number) =>
      createSelector({
        filters: allFilters,
        weighers: [{ weigher: ramWeigher, multiplier: 1 }],
        hostSubsetSize: 2,
        random: () => r,
      })(view, request({}, 2)).selections[0]!.hosts.map((h) => h.host);
    const first = pick(0.99);
    expect(first).toEqual(["b", "a", "c"]);
    // "b" took 2 GB: now a (8 GB) > c (6 GB) > b (5 GB)
    expect(pick(0)).toEqual(["a", "c", "b"]);
  });
});
