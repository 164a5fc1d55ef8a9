import { ConfigError, nodeInventorySchema } from "@nimbus/rpc";
import { describe, expect, it } from "vitest";
import { parseComputeConfig } from "./config";
import { nodeInventory } from "./inventory";
import type { HostInfo } from "./virt/driver";

describe("parseComputeConfig", () => {
  it("works with nothing set, with Nova's defaults", () => {
    const c = parseComputeConfig({});
    expect(c).toMatchObject({
      NIMBUS_LIBVIRT_URI: "qemu:///system",
      NIMBUS_VIRT_TYPE: "qemu",
      NIMBUS_INSTANCES_DIR: "/var/lib/nimbus/instances",
      NIMBUS_IMAGE_CACHE_DIR: "/var/lib/nimbus/_base",
      NIMBUS_VNC_LISTEN: "127.0.0.1",
      NIMBUS_CPU_ALLOCATION_RATIO: 16,
      NIMBUS_RAM_ALLOCATION_RATIO: 1.5,
      NIMBUS_DISK_ALLOCATION_RATIO: 1,
      NIMBUS_RESERVED_HOST_MEMORY_MB: 512,
      NIMBUS_REPORT_INTERVAL: 10,
      NIMBUS_SYNC_POWER_STATE_INTERVAL: 5,
      NIMBUS_SHUTDOWN_TIMEOUT: 60,
      NIMBUS_IMAGE_API_URL: "http://127.0.0.1:8080/image",
      NIMBUS_RPC_PREFETCH: 64,
    });
    expect(c.NIMBUS_HOST_IP).toBeUndefined();
    expect(c).not.toHaveProperty("NIMBUS_DATABASE_URL");
  });

  it("reads numbers and URLs from strings", () => {
    const c = parseComputeConfig({
      NIMBUS_SYNC_POWER_STATE_INTERVAL: "0.2",
      NIMBUS_CPU_ALLOCATION_RATIO: "4",
      NIMBUS_SHUTDOWN_TIMEOUT: "0",
      NIMBUS_IMAGE_API_URL: "http://glance.example:9292/",
      NIMBUS_VIRT_TYPE: "kvm",
    });
    expect(c.NIMBUS_SYNC_POWER_STATE_INTERVAL).toBe(0.2);
    expect(c.NIMBUS_CPU_ALLOCATION_RATIO).toBe(4);
    expect(c.NIMBUS_SHUTDOWN_TIMEOUT).toBe(0);
    expect(c.NIMBUS_IMAGE_API_URL).toBe("http://glance.example:9292");
    expect(c.NIMBUS_VIRT_TYPE).toBe("kvm");
  });

  it("refuses bad values at start-up, naming each", () => {
    expect(() =>
      parseComputeConfig({
        NIMBUS_VIRT_TYPE: "xen",
        NIMBUS_REPORT_INTERVAL: "0",
        NIMBUS_RAM_ALLOCATION_RATIO: "-1",
      }),
    ).toThrow(ConfigError);
    expect(() =>
      parseComputeConfig({ NIMBUS_VIRT_TYPE: "xen", NIMBUS_REPORT_INTERVAL: "0" }),
    ).toThrow(/NIMBUS_VIRT_TYPE[\s\S]*NIMBUS_REPORT_INTERVAL/);
  });
});

describe("nodeInventory", () => {
  const info: HostInfo = {
    vcpus: 8,
    memoryMb: 16_384,
    localGb: 100,
    freeDiskGb: 80,
    hypervisorType: "test",
    hypervisorVersion: 2,
    hypervisorHostname: "node-1",
    hostIp: "10.0.0.5",
    cpuInfo: {
      arch: "x86_64",
      model: undefined,
      topology: { cells: 1, sockets: 1, cores: 8, threads: 1 },
      features: [],
    },
  };

  it("reports the host less its reserved memory, with the allocation ratios, as the contract wants it", () => {
    const inv = nodeInventory(info, {
      cpuAllocationRatio: 16,
      ramAllocationRatio: 1.5,
      diskAllocationRatio: 1,
      reservedHostMemoryMb: 512,
    });
    expect(inv).toMatchObject({
      memoryMb: 15_872,
      vcpus: 8,
      localGb: 100,
      freeDiskGb: 80,
      ramAllocationRatio: 1.5,
    });
    expect(inv.cpuInfo).not.toHaveProperty("model");
    expect(nodeInventorySchema.parse(inv)).toEqual(inv);
  });

  it("never reports negative memory", () => {
    const inv = nodeInventory(
      { ...info, memoryMb: 256 },
      {
        cpuAllocationRatio: 1,
        ramAllocationRatio: 1,
        diskAllocationRatio: 1,
        reservedHostMemoryMb: 512,
      },
    );
    expect(inv.memoryMb).toBe(0);
  });
});
