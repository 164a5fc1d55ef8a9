// Every server action, one file each (see define.ts for what a definition declares).
import { confirmResize } from "./confirm-resize";
import { deleteServer } from "./delete";
import type { ServerActionDefinition } from "./define";
import { lock } from "./lock";
import { pause } from "./pause";
import { rebootHard } from "./reboot-hard";
import { rebootSoft } from "./reboot-soft";
import { resetState } from "./reset-state";
import { resize } from "./resize";
import { resume } from "./resume";
import { revertResize } from "./revert-resize";
import { start } from "./start";
import { stop } from "./stop";
import { suspend } from "./suspend";
import { unlock } from "./unlock";
import { unpause } from "./unpause";

export * from "./define";

export const serverActions = {
  stop,
  start,
  "reboot-soft": rebootSoft,
  "reboot-hard": rebootHard,
  pause,
  unpause,
  suspend,
  resume,
  resize,
  "confirm-resize": confirmResize,
  "revert-resize": revertResize,
  delete: deleteServer,
  lock,
  unlock,
  "reset-state": resetState,
} as const satisfies Record<string, ServerActionDefinition>;

export type ServerActionName = keyof typeof serverActions;
export const SERVER_ACTION_NAMES = Object.keys(serverActions) as ServerActionName[];
