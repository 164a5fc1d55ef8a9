import { describe, expect, it } from "vitest";
import {
  formatMb,
  hostRefusal,
  imageRefusal,
  largestSlot,
  quotaRefusal,
  type FlavorNeeds,
  type QuotaNumbers,
} from "./fit";

const flavor = (over: Partial<FlavorNeeds> = {}): FlavorNeeds => ({
  vcpus: 2,
  memoryMb: 2048,
  rootGb: 20,
  ephemeralGb: 0,
  swap: 0,
  ...over,
});
const quota = (
  limits: Partial<QuotaNumbers["limits"]>,
  usage: Partial<QuotaNumbers["usage"]> = {},
) => ({
  limits: { instances: 10, cores: 20, ram: 51200, ...limits },
  usage: { instances: 0, cores: 0, ram: 0, ...usage },
});

describe("quotaRefusal", () => {
  it("says which limit the request crosses, times the count", () => {
    expect(quotaRefusal(flavor(), 1, quota({}))).toBeNull();
    expect(quotaRefusal(flavor({ vcpus: 8 }), 1, quota({ cores: 10 }, { cores: 6 }))).toBe(
      "needs 8 vCPUs, 4 left in your quota",
    );
    expect(quotaRefusal(flavor(), 3, quota({ instances: 10 }, { instances: 8 }))).toBe(
      "needs 3 instances, 2 left in your quota",
    );
    expect(quotaRefusal(flavor({ memoryMb: 4096 }), 2, quota({ ram: 6144 }))).toBe(
      "needs 8 GB of RAM, 6 GB left in your quota",
    );
  });

  it("treats -1 as unlimited and never counts below zero left", () => {
    expect(
      quotaRefusal(flavor({ vcpus: 64 }), 5, quota({ cores: -1, instances: -1, ram: -1 })),
    ).toBeNull();
    expect(quotaRefusal(flavor({ vcpus: 1 }), 1, quota({ cores: 2 }, { cores: 5 }))).toBe(
      "needs 1 vCPU, 0 left in your quota",
    );
  });
});

describe("hostRefusal", () => {
  const slots = [
    { zone: "nova", vcpus: 16, ramMb: 2048, diskGb: 100 },
    { zone: "nova", vcpus: 2, ramMb: 16384, diskGb: 100 },
    { zone: "edge", vcpus: 4, ramMb: 4096, diskGb: 10 },
  ];

  it("fits when one host has everything at once, optionally in a zone", () => {
    expect(hostRefusal(flavor(), slots)).toBeNull();
    expect(hostRefusal(flavor({ rootGb: 20 }), slots, "edge")).toBe(
      "no host in edge has 20 GB of disk free",
    );
  });

  it("names the resource no host has, or says none has them all together", () => {
    expect(hostRefusal(flavor({ vcpus: 32 }), slots)).toBe("no host has 32 vCPUs free");
    expect(hostRefusal(flavor({ memoryMb: 32768 }), slots)).toBe("no host has 32 GB of RAM free");
    expect(hostRefusal(flavor({ vcpus: 8, memoryMb: 8192 }), slots)).toBe(
      "no host has 8 vCPUs, 8 GB of RAM and 20 GB of disk free at once",
    );
    expect(hostRefusal(flavor(), [])).toBe("no compute host is up");
    expect(hostRefusal(flavor(), slots, "moon")).toBe("no compute host is up in moon");
  });

  it("counts swap in whole GB with the disk", () => {
    expect(hostRefusal(flavor({ rootGb: 9, swap: 1500 }), slots, "edge")).toBe(
      "no host in edge has 11 GB of disk free",
    );
  });

  it("reports the largest free amounts", () => {
    expect(largestSlot(slots)).toEqual({ vcpus: 16, ramMb: 16384, diskGb: 100 });
    expect(largestSlot([])).toEqual({ vcpus: 0, ramMb: 0, diskGb: 0 });
  });
});

describe("imageRefusal and formatMb", () => {
  it("refuses a flavor too small for the image", () => {
    const image = { minDisk: 0, minRam: 0, size: 16 * 1024 ** 2 };
    expect(imageRefusal(flavor({ rootGb: 1 }), image)).toBeNull();
    expect(imageRefusal(flavor(), { ...image, minRam: 4096 })).toBe("the image needs 4 GB of RAM");
    expect(imageRefusal(flavor({ rootGb: 5 }), { ...image, minDisk: 10 })).toBe(
      "the image needs a 10 GB disk",
    );
    expect(imageRefusal(flavor({ rootGb: 1 }), { ...image, size: 2 * 1024 ** 3 })).toBe(
      "the image is larger than its 1 GB disk",
    );
    expect(imageRefusal(flavor({ rootGb: 0 }), { ...image, minDisk: 10 })).toBeNull();
  });

  it("writes memory as people read it", () => {
    expect([formatMb(512), formatMb(2048), formatMb(1536)]).toEqual(["512 MB", "2 GB", "1.5 GB"]);
  });
});
