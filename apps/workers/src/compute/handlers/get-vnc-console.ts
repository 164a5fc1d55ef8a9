// compute.get_vnc_console (call): where a running guest's VNC display is, for the console proxy.
import { getVncConsole, handler, RpcError, type Handler } from "@nimbus/rpc";
import type { ComputeDeps } from "../deps";
import { VirtError } from "../virt/driver";

export function getVncConsoleHandler(deps: ComputeDeps): Handler {
  return handler(getVncConsole, async ({ uuid }, meta) => {
    try {
      return await deps.driver.vncAddress(uuid);
    } catch (err) {
      if (err instanceof VirtError && err.code === "NOT_FOUND") {
        throw new RpcError("not_found", `Instance ${uuid} has no domain on this host.`);
      }
      if (err instanceof VirtError && err.code === "INVALID_STATE") {
        throw new RpcError("conflict", `Instance ${uuid} is not ready`);
      }
      meta.logger.error({ err, uuid }, "reading the VNC address failed");
      throw new RpcError("unavailable", "The console address could not be read.");
    }
  });
}
