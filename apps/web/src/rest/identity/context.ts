// The identity service's view of a request behind `requireToken`.
import type { Context } from "hono";
import type { IdentityContext } from "../../services/identity";
import type { RestDeps } from "../app";
import type { RestEnv } from "../context";

export function identityContext(c: Context<RestEnv>, deps: Pick<RestDeps, "bus">): IdentityContext {
  const { holder, requestId, log } = c.var;
  if (!holder) throw new Error("identity route without requireToken");
  return { bus: deps.bus, log, requestId, holder };
}

/** Keystone's boolean query filters: present means true, except "0" and "false". */
export const queryFlag = (value: string | undefined) =>
  value === undefined ? undefined : !["0", "false"].includes(value.toLowerCase());
