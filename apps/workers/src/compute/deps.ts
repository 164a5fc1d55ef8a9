// What every compute handler works with.
import type { Bus } from "@nimbus/rpc";
import type { InstanceTracker } from "./power-sync";
import type { VirtDriver } from "./virt/driver";

export interface ComputeDeps {
  bus: Bus;
  driver: VirtDriver;
  /** This compute host's name (NIMBUS_HOST): the conductor refuses updates from anywhere else. */
  host: string;
  tracker: InstanceTracker;
  /** The size the image API declared per image id, for the image fetcher to check downloads. */
  imageSizes: Map<string, number | null>;
}
