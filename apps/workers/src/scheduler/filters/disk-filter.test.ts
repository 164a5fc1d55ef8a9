import { describe, expect, it } from "vitest";
import { fakeHost, prepared } from "../testing";
import { diskFilter } from "./disk-filter";

describe("DiskFilter", () => {
  it("counts root + ephemeral + swap rounded up to whole GB", () => {
    const host = fakeHost("a", { localGb: 100, localGbUsed: 78 });
    // 10 + 10 + ceil(1 MB / 1024) = 21 GB, and 22 are free
    const fits = prepared({ flavor: { rootGb: 10, ephemeralGb: 10, swap: 1 } });
    expect(fits.requested.diskGb).toBe(21);
    expect(diskFilter.hostPasses(host, fits)).toBe(true);
    const tooBig = prepared({ flavor: { rootGb: 10, ephemeralGb: 10, swap: 2049 } }); // 23 GB
    expect(diskFilter.hostPasses(host, tooBig)).toBe(
      "needs 23 GB of disk; 22 GB free (100 GB × 1 − 78 GB allocated)",
    );
  });

  it("uses the allocated disk, not the file system's free space (sparse overlays)", () => {
    const host = fakeHost("a", { localGb: 100, localGbUsed: 10, freeDiskGb: 5 });
    expect(diskFilter.hostPasses(host, prepared({ flavor: { rootGb: 50 } }))).toBe(true);
  });

  it("overcommits by the allocation ratio but caps one instance at the disk's size", () => {
    const host = fakeHost("a", { localGb: 100, localGbUsed: 150, diskAllocationRatio: 2 });
    expect(diskFilter.hostPasses(host, prepared({ flavor: { rootGb: 50 } }))).toBe(true);
    expect(diskFilter.hostPasses(host, prepared({ flavor: { rootGb: 51 } }))).not.toBe(true);
    expect(
      diskFilter.hostPasses(
        fakeHost("b", { diskAllocationRatio: 4 }),
        prepared({ flavor: { rootGb: 101 } }),
      ),
    ).toBe("needs 101 GB of disk; the host has 100 GB in all");
  });

  it("does not run for a diskless flavor", () => {
    expect(diskFilter.appliesTo!(prepared({ flavor: { rootGb: 0 } }))).toBe(false);
  });
});
