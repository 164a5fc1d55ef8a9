// The compute manager: what this host serves on `compute.<host>`, one handler per contract
// (handlers/), each wrapped as Nova wraps its manager's methods (instance-operation.ts).
import type { Handler } from "@nimbus/rpc";
import type { ComputeDeps } from "./deps";
import { buildAndRunInstanceHandler } from "./handlers/build-and-run-instance";
import { confirmResizeHandler } from "./handlers/confirm-resize";
import { getConsoleOutputHandler } from "./handlers/get-console-output";
import { getVncConsoleHandler } from "./handlers/get-vnc-console";
import { pauseInstanceHandler } from "./handlers/pause-instance";
import { rebootInstanceHandler } from "./handlers/reboot-instance";
import { resizeInstanceHandler } from "./handlers/resize-instance";
import { resumeInstanceHandler } from "./handlers/resume-instance";
import { revertResizeHandler } from "./handlers/revert-resize";
import { startInstanceHandler } from "./handlers/start-instance";
import { stopInstanceHandler } from "./handlers/stop-instance";
import { suspendInstanceHandler } from "./handlers/suspend-instance";
import { terminateInstanceHandler } from "./handlers/terminate-instance";
import { unpauseInstanceHandler } from "./handlers/unpause-instance";

export function computeHandlers(deps: ComputeDeps): Handler[] {
  return [
    buildAndRunInstanceHandler(deps),
    stopInstanceHandler(deps),
    startInstanceHandler(deps),
    rebootInstanceHandler(deps),
    pauseInstanceHandler(deps),
    unpauseInstanceHandler(deps),
    suspendInstanceHandler(deps),
    resumeInstanceHandler(deps),
    resizeInstanceHandler(deps),
    confirmResizeHandler(deps),
    revertResizeHandler(deps),
    terminateInstanceHandler(deps),
    getConsoleOutputHandler(deps),
    getVncConsoleHandler(deps),
  ];
}
