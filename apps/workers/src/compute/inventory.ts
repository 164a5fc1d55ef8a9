// The compute node's inventory as the conductor records it, from what libvirt and the instances
// directory say (driver.hostInfo) plus this host's allocation ratios and reserved memory.
import type { NodeInventory } from "@nimbus/rpc";
import type { HostInfo } from "./virt/driver";

export interface InventorySettings {
  cpuAllocationRatio: number;
  ramAllocationRatio: number;
  diskAllocationRatio: number;
  reservedHostMemoryMb: number;
}

export function nodeInventory(info: HostInfo, settings: InventorySettings): NodeInventory {
  return {
    hypervisorHostname: info.hypervisorHostname,
    hypervisorType: info.hypervisorType,
    hypervisorVersion: info.hypervisorVersion,
    hostIp: info.hostIp,
    vcpus: info.vcpus,
    // NOTE: Nova reports reserved_host_memory_mb beside the total; we have no column for it.
    memoryMb: Math.max(0, info.memoryMb - settings.reservedHostMemoryMb),
    localGb: info.localGb,
    freeDiskGb: info.freeDiskGb,
    // Plain JSON: absent fields (no CPU model on the test hypervisor) are left out, not undefined.
    cpuInfo: JSON.parse(JSON.stringify(info.cpuInfo)) as NodeInventory["cpuInfo"],
    cpuAllocationRatio: settings.cpuAllocationRatio,
    ramAllocationRatio: settings.ramAllocationRatio,
    diskAllocationRatio: settings.diskAllocationRatio,
  };
}
