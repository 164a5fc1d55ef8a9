import { describe, expect, it } from "vitest";
import { canonicalArch, HostView } from "./host-state";
import { fakeHost, fakeNode } from "./testing";

const at = (ms: number) => new Date(Date.UTC(2025, 0, 1) + ms).toISOString();

describe("HostState", () => {
  it("computes free capacity as total × ratio − used, floored like placement", () => {
    const h = fakeHost("a", {
      memoryMb: 1000,
      ramAllocationRatio: 1.5,
      memoryMbUsed: 200,
      vcpus: 3,
      cpuAllocationRatio: 2.5,
      vcpusUsed: 1,
      localGb: 10,
      diskAllocationRatio: 1.05,
      localGbUsed: 4,
    });
    expect([h.freeRamMb, h.freeVcpus, h.freeDiskGb]).toEqual([1300, 6, 6]);
  });

  it("consume and release account for a placed instance", () => {
    const h = fakeHost("a");
    const r = { memoryMb: 1024, vcpus: 2, diskGb: 10 };
    h.consume(r);
    expect([h.freeRamMb, h.freeVcpus, h.freeDiskGb]).toEqual([7168, 2, 90]);
    h.release(r);
    expect([h.freeRamMb, h.freeVcpus, h.freeDiskGb]).toEqual([8192, 4, 100]);
  });

  it("canonicalizes the architecture once, at update", () => {
    expect(fakeHost("a", { cpuInfo: { arch: "AMD64" } }).arch).toBe("x86_64");
    expect(fakeHost("a", { cpuInfo: { arch: 5 } }).arch).toBeNull();
    expect(["i386", "x86_32", "arm64", "ppc64le"].map(canonicalArch)).toEqual([
      "i686",
      "i686",
      "aarch64",
      "ppc64le",
    ]);
  });
});

describe("HostView", () => {
  it("adds, updates in place, and ignores a report older than the one it holds", () => {
    const view = new HostView();
    const node = fakeNode("a", { updatedAt: at(1000), memoryMbUsed: 0 });
    expect(view.upsert(node)).toBe(true);
    const state = view.get(node.id)!;
    expect(view.upsert({ ...node, memoryMbUsed: 2048, updatedAt: at(2000) })).toBe(true);
    expect(view.get(node.id)).toBe(state);
    expect(state.usedRamMb).toBe(2048);
    expect(view.upsert({ ...node, memoryMbUsed: 1024, updatedAt: at(1500) })).toBe(false);
    expect(state.usedRamMb).toBe(2048);
    // the same timestamp is not older: the later message wins
    expect(view.upsert({ ...node, memoryMbUsed: 4096, updatedAt: at(2000) })).toBe(true);
    expect(state.usedRamMb).toBe(4096);
    expect(view.size).toBe(1);
  });

  it("a report overwrites the tentative consumption", () => {
    const view = new HostView();
    const node = fakeNode("a");
    view.upsert(node);
    view.get(node.id)!.consume({ memoryMb: 1024, vcpus: 1, diskGb: 1 });
    view.upsert({ ...node, memoryMbUsed: 512 });
    expect(view.get(node.id)!.usedRamMb).toBe(512);
  });

  it("a full refresh removes nodes the conductor no longer lists, unless they changed meanwhile", () => {
    const view = new HostView();
    const [a, b] = [fakeNode("a"), fakeNode("b")];
    view.upsert(a);
    view.upsert(b);
    const since = view.generation;
    const c = fakeNode("c"); // registered while the refresh was on its way
    view.upsert(c);
    view.replaceAll([a], since);
    expect(view.hosts().map((h) => h.host)).toEqual(["a", "c"]);
    view.replaceAll([a], view.generation);
    expect(view.hosts().map((h) => h.host)).toEqual(["a"]);
  });

  it("a full refresh does not roll a node back to an older report", () => {
    const view = new HostView();
    const node = fakeNode("a", { updatedAt: at(2000), memoryMbUsed: 2048 });
    view.upsert(node);
    view.replaceAll([{ ...node, updatedAt: at(1000), memoryMbUsed: 0 }], 0);
    expect(view.get(node.id)!.usedRamMb).toBe(2048);
  });

  it("applies service changes to every node of the host", () => {
    const view = new HostView();
    view.upsert(fakeNode("a", { service: { forcedDown: true, up: false } }));
    view.upsert(fakeNode("b"));
    const down = {
      host: "b",
      state: "down",
      status: "disabled",
      disabledReason: "bad disk",
    } as const;
    expect(view.applyService(down)).toBe(1);
    const b = view.hosts().find((h) => h.host === "b")!;
    expect([b.up, b.disabled, b.disabledReason]).toEqual([false, true, "bad disk"]);
    view.applyService({ host: "a", state: "up", status: "enabled", disabledReason: null });
    const a = view.hosts().find((h) => h.host === "a")!;
    expect([a.up, a.forcedDown, a.disabled]).toEqual([true, false, false]);
    expect(view.applyService({ ...down, host: "nowhere" })).toBe(0);
  });
});
