// compute.reboot_instance: SOFT (ACPI shutdown + start, hard after a timeout) or HARD (power
// cycle). A hard reboot also recreates a domain that has gone missing, as Nova's does, so it can
// repair a server in ERROR.
import { getImage, handler, rebootInstance, type Handler } from "@nimbus/rpc";
import type { ComputeDeps } from "../deps";
import { instanceOperation, taskStateOf } from "../instance-operation";
import { imageFromGlance, instanceSpec } from "../spec";
import { VirtError } from "../virt/driver";

export function rebootInstanceHandler(deps: ComputeDeps): Handler {
  const { driver } = deps;
  return handler(
    rebootInstance,
    instanceOperation(deps, {
      event: "compute_reboot_instance",
      taskState: ({ type }) => taskStateOf(type === "HARD" ? "reboot-hard" : "reboot-soft"),
      async run({ instance, type }, { ctx, logger }) {
        try {
          await driver.reboot(instance.uuid, type);
        } catch (err) {
          if (type !== "HARD" || !(err instanceof VirtError) || err.code !== "NOT_FOUND") throw err;
          logger.info("no domain to reboot; recreating it");
          const image = await deps.bus.call(
            getImage,
            { id: instance.imageRef, projectId: null },
            { ctx },
          );
          deps.imageSizes.set(image.id, image.size);
          await driver.reboot(
            instance.uuid,
            "HARD",
            instanceSpec(instance, imageFromGlance(image)),
          );
        }
        const powerState = await driver.powerState(instance.uuid);
        return { changes: { vmState: "active", taskState: null, powerState } };
      },
    }),
  );
}
