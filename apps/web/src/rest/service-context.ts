// The service layer's view of a REST request: the caller, its request id and logger, and the bus.
import type { ServiceContext } from "../services/context";
import type { RestDeps } from "./app";
import type { AuthContext } from "./context";
import type { Logger } from "../logger";

interface AuthedVars {
  var: { auth: AuthContext; requestId: string; log: Logger };
}

export function serviceContext(c: AuthedVars, deps: Pick<RestDeps, "bus">): ServiceContext {
  const { auth, requestId, log } = c.var;
  return {
    bus: deps.bus,
    log,
    requestId,
    userId: auth.userId,
    projectId: auth.projectId,
    roles: auth.roles,
    isAdmin: auth.isAdmin,
  };
}
