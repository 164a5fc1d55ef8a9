// compute.get_console_output (call): the tail of the serial console log (os-getConsoleOutput).
import { getConsoleOutput, handler, RpcError, type Handler } from "@nimbus/rpc";
import type { ComputeDeps } from "../deps";
import { VirtError } from "../virt/driver";

export function getConsoleOutputHandler(deps: ComputeDeps): Handler {
  return handler(getConsoleOutput, async ({ uuid, length }, meta) => {
    try {
      return { output: await deps.driver.consoleOutput(uuid, length) };
    } catch (err) {
      if (err instanceof VirtError && err.code === "NOT_FOUND") {
        throw new RpcError("not_found", `Instance ${uuid} has no domain on this host.`);
      }
      meta.logger.error({ err, uuid }, "reading the console log failed");
      throw new RpcError("unavailable", "The console output could not be read.");
    }
  });
}
