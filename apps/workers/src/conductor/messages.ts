// Nova's wording for the errors a caller of the conductor can see.
import { RpcError } from "@nimbus/rpc";

export const instanceNotFound = (uuid: string) =>
  new RpcError("not_found", `Instance ${uuid} could not be found.`);

/** Python's repr of a task state list, as Nova prints it: [None, 'spawning']. */
const pyRepr = (v: string | null) => (v === null ? "None" : `'${v}'`);

/** Nova's UnexpectedTaskStateError: someone else changed the task state first. */
export function taskStateConflict(
  uuid: string,
  expected: readonly (string | null)[],
  actual: string | null,
): RpcError {
  return new RpcError(
    "conflict",
    `Conflict updating instance ${uuid}. Expected: {'task_state': [${expected.map(pyRepr).join(", ")}]}. ` +
      `Actual: {'task_state': ${pyRepr(actual)}}`,
  );
}
