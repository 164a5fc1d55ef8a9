// The scheduler's in-memory view of the compute nodes. Everything a filter or weigher reads is
// computed once per update (free capacity, canonical architecture), so scheduling a request is
// plain number and string comparisons over objects that already exist.
import type { ComputeNode } from "@nimbus/rpc";

/** What an instance takes from a node, in the units the conductor claims (GB for disk). */
export interface Resources {
  memoryMb: number;
  vcpus: number;
  diskGb: number;
}

/** Nova's Architecture.canonicalize: lower case, and the usual aliases folded together. */
export function canonicalArch(name: string): string {
  const n = name.toLowerCase();
  switch (n) {
    case "i386":
    case "i486":
    case "i586":
    case "x86_32":
      return "i686";
    case "amd64":
    case "x64":
      return "x86_64";
    case "arm64":
      return "aarch64";
    default:
      return n;
  }
}

/**
 * The hypervisor types a node can run guests of. libvirt's QEMU driver runs both `qemu` (TCG) and
 * `kvm` guests and Nova reports both as "QEMU", so an image asking for either fits a QEMU node.
 */
function hypervisorTypesOf(reported: string): readonly string[] {
  const n = reported.toLowerCase();
  return n === "qemu" ? ["qemu", "kvm"] : [n];
}

export class HostState {
  readonly nodeId: number;
  host = "";
  nodeName = "";
  availabilityZone = "";
  /** physical totals: one instance can never take more than the node has */
  totalRamMb = 0;
  totalVcpus = 0;
  totalDiskGb = 0;
  /** totals × allocation ratio (placement's capacity) */
  ramLimitMb = 0;
  vcpuLimit = 0;
  diskLimitGb = 0;
  usedRamMb = 0;
  usedVcpus = 0;
  usedDiskGb = 0;
  /** limit − used: what the filters compare with and the weighers weigh */
  freeRamMb = 0;
  freeVcpus = 0;
  freeDiskGb = 0;
  ramRatio = 1;
  cpuRatio = 1;
  diskRatio = 1;
  /** canonical (see canonicalArch); null when the node did not say */
  arch: string | null = null;
  /** lower case as reported ("qemu", "test") */
  hypervisorType = "";
  hypervisorTypes: readonly string[] = [];
  up = false;
  disabled = false;
  disabledReason: string | null = null;
  forcedDown = false;
  /** the node row's updated_at in ms (0 if unknown): an older report never replaces a newer one */
  updatedAtMs = 0;
  /** the view's generation when this state last changed */
  generation = 0;

  constructor(node: ComputeNode, generation: number) {
    this.nodeId = node.id;
    this.update(node, generation);
  }

  update(node: ComputeNode, generation: number): void {
    this.host = node.host;
    this.nodeName = node.hypervisorHostname;
    this.availabilityZone = node.availabilityZone;
    this.totalRamMb = node.memoryMb;
    this.totalVcpus = node.vcpus;
    this.totalDiskGb = node.localGb;
    this.ramRatio = node.ramAllocationRatio;
    this.cpuRatio = node.cpuAllocationRatio;
    this.diskRatio = node.diskAllocationRatio;
    // Placement's capacity: int(total × allocation_ratio). Disk is local_gb × ratio − allocated
    // (placement's semantics, which the conductor's claim enforces), not the file system's free
    // space: instance disks are sparse qcow2 overlays, so the allocation is what is promised.
    this.ramLimitMb = Math.floor(node.memoryMb * node.ramAllocationRatio);
    this.vcpuLimit = Math.floor(node.vcpus * node.cpuAllocationRatio);
    this.diskLimitGb = Math.floor(node.localGb * node.diskAllocationRatio);
    this.usedRamMb = node.memoryMbUsed;
    this.usedVcpus = node.vcpusUsed;
    this.usedDiskGb = node.localGbUsed;
    this.recompute();
    const arch = node.cpuInfo["arch"];
    this.arch = typeof arch === "string" && arch !== "" ? canonicalArch(arch) : null;
    this.hypervisorType = node.hypervisorType.toLowerCase();
    this.hypervisorTypes = hypervisorTypesOf(node.hypervisorType);
    this.up = node.service.up;
    this.disabled = node.service.disabled;
    this.disabledReason = node.service.disabledReason;
    this.forcedDown = node.service.forcedDown;
    this.updatedAtMs = node.updatedAt === null ? 0 : Date.parse(node.updatedAt);
    this.generation = generation;
  }

  /**
   * Account for an instance just placed here, until the next report overwrites the numbers with
   * the conductor's (which then include the real claim). Spreads a multi-instance request or a
   * burst; the conductor's atomic claim stays the real guard.
   */
  consume(r: Resources): void {
    this.usedRamMb += r.memoryMb;
    this.usedVcpus += r.vcpus;
    this.usedDiskGb += r.diskGb;
    this.recompute();
  }

  /** Undo consume() for a request that failed as a whole. */
  release(r: Resources): void {
    this.usedRamMb -= r.memoryMb;
    this.usedVcpus -= r.vcpus;
    this.usedDiskGb -= r.diskGb;
    this.recompute();
  }

  private recompute(): void {
    this.freeRamMb = this.ramLimitMb - this.usedRamMb;
    this.freeVcpus = this.vcpuLimit - this.usedVcpus;
    this.freeDiskGb = this.diskLimitGb - this.usedDiskGb;
  }
}

/** What the scheduler reads of a `service.update` notification. */
export interface ServiceChange {
  host: string;
  state: "up" | "down";
  status: "enabled" | "disabled";
  disabledReason: string | null;
}

/**
 * Every compute node the scheduler knows, by id. Filled by `conductor.host_states`, kept fresh by
 * `compute_node.update` and `service.update`. Node states are updated in place, so the list handed
 * to a request stays valid and is only rebuilt when nodes come or go.
 */
export class HostView {
  private readonly byId = new Map<number, HostState>();
  private list: HostState[] = [];
  /** bumped on every change; a full refresh keeps nodes that changed after it began */
  private gen = 0;

  get generation(): number {
    return this.gen;
  }

  get size(): number {
    return this.list.length;
  }

  hosts(): readonly HostState[] {
    return this.list;
  }

  get(nodeId: number): HostState | undefined {
    return this.byId.get(nodeId);
  }

  /** Apply one node's report; false when it is older than what the view holds. */
  upsert(node: ComputeNode): boolean {
    const current = this.byId.get(node.id);
    if (!current) {
      const state = new HostState(node, ++this.gen);
      this.byId.set(node.id, state);
      this.list.push(state);
      return true;
    }
    if (node.updatedAt !== null && Date.parse(node.updatedAt) < current.updatedAtMs) return false;
    current.update(node, ++this.gen);
    return true;
  }

  /**
   * Replace the view with the conductor's full list. A node missing from it is gone (deleted
   * service), unless a notification touched it after `since` (the generation read before the call
   * began): then the list was read before that node appeared, and the notification is newer.
   */
  replaceAll(nodes: readonly ComputeNode[], since: number): void {
    const seen = new Set<number>();
    for (const node of nodes) {
      seen.add(node.id);
      this.upsert(node);
    }
    let removed = false;
    for (const [id, state] of this.byId) {
      if (!seen.has(id) && state.generation <= since) {
        this.byId.delete(id);
        removed = true;
      }
    }
    if (removed) this.list = [...this.byId.values()];
  }

  /** A compute service went up or down, or was enabled or disabled. */
  applyService(change: ServiceChange): number {
    let touched = 0;
    for (const state of this.list) {
      if (state.host !== change.host) continue;
      state.up = change.state === "up";
      state.disabled = change.status === "disabled";
      state.disabledReason = change.disabledReason;
      // The event has no forced_down; a forced-down service is reported down, so "up" clears it.
      if (state.up) state.forcedDown = false;
      state.generation = ++this.gen;
      touched++;
    }
    return touched;
  }
}
