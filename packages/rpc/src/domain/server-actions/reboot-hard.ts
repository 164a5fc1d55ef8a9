import { defineServerAction } from "./define";

/**
 * reboot {type: HARD}: power off and on. Allowed from more states than a soft reboot, and while a
 * soft reboot or another power operation is still pending, so it can rescue a stuck server.
 */
export const rebootHard = defineServerAction({
  name: "reboot-hard",
  apiName: "reboot",
  instanceAction: "reboot",
  label: "Hard reboot",
  policy: "servers:reboot",
  vmStates: ["active", "stopped", "paused", "suspended", "error"],
  taskStates: [
    null,
    "rebooting",
    "reboot_pending",
    "reboot_started",
    "resuming",
    "rebooting_hard",
    "unpausing",
    "pausing",
    "suspending",
  ],
  respectsLock: false,
  taskState: "rebooting_hard",
  destructive: true,
});
