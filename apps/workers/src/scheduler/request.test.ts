import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { GroupMembers } from "./request";
import { prepared } from "./testing";

describe("prepareSpec", () => {
  it("reads the image's architecture and hypervisor type, new names first", () => {
    const spec = prepared({
      image: { properties: { hw_architecture: "amd64", architecture: "i386", img_hv_type: "KVM" } },
    });
    expect([spec.imageArch, spec.imageHypervisorType]).toEqual(["x86_64", "kvm"]);
    const legacy = prepared({
      image: { properties: { architecture: "aarch64", hypervisor_type: "qemu" } },
    });
    expect([legacy.imageArch, legacy.imageHypervisorType]).toEqual(["aarch64", "qemu"]);
    expect([prepared().imageArch, prepared().imageHypervisorType]).toEqual([null, null]);
  });

  it("asks for disk in whole GB, swap rounded up", () => {
    expect(prepared({ flavor: { rootGb: 1, ephemeralGb: 2, swap: 1025 } }).requested).toEqual({
      memoryMb: 2048,
      vcpus: 1,
      diskGb: 5,
    });
  });
});

describe("GroupMembers", () => {
  it("counts members per host and describes the hosts once per change", () => {
    const g = new GroupMembers(randomUUID(), "anti-affinity", ["a", "b", "a"]);
    expect([g.size, g.count("a"), g.count("b"), g.count("c")]).toEqual([2, 2, 1, 0]);
    expect(g.describe()).toBe("a, b");
    g.add("c");
    expect([g.has("c"), g.describe()]).toEqual([true, "a, b, c"]);
  });
});
