// The driver's view of an instance (InstanceSpec) from the cloud's (Instance + image).
import type { FlavorSnapshot, Image, Instance, imageRefSchema } from "@nimbus/rpc";
import type { z } from "zod";
import type { ImageRef, InstanceSpec } from "./virt/driver";

/** The image as the build request carries it. */
export type BuildImageRef = z.infer<typeof imageRefSchema>;

export function instanceSpec(
  instance: Instance,
  image: ImageRef,
  flavor = instance.flavor,
): InstanceSpec {
  return {
    uuid: instance.uuid,
    name: instance.name,
    flavor: flavorOf(flavor),
    image,
    metadata: { projectId: instance.projectId, userId: instance.userId },
  };
}

/** The build request's image, with its digests for the image cache to verify. */
export function imageFromBuild(image: BuildImageRef): ImageRef {
  return {
    id: image.id,
    diskFormat: image.diskFormat,
    checksum: image.checksum ?? undefined,
    osHashValue: image.osHashValue ?? undefined,
  };
}

/** An image as the image API describes it (hard reboot recreating a lost domain). */
export function imageFromGlance(image: Image): ImageRef {
  return {
    id: image.id,
    diskFormat: image.diskFormat ?? "",
    checksum: image.checksum ?? undefined,
    osHashValue: image.osHashValue ?? undefined,
  };
}

/**
 * The spec of an instance whose disk exists (resize, revert): the driver fetches nothing then, so
 * the image's format and digests are never read; its id only labels the domain's metadata.
 */
export function existingInstanceSpec(instance: Instance, flavor: FlavorSnapshot): InstanceSpec {
  return instanceSpec(instance, { id: instance.imageRef, diskFormat: "qcow2" }, flavor);
}

function flavorOf(f: FlavorSnapshot): InstanceSpec["flavor"] {
  return {
    name: f.name,
    memoryMb: f.memoryMb,
    vcpus: f.vcpus,
    rootGb: f.rootGb,
    ephemeralGb: f.ephemeralGb,
    swap: f.swap,
  };
}
