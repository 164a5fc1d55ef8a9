// What a REST handler knows about the request it serves, and the Hono environments carrying it.
import type { HttpBindings } from "@hono/node-server";
import type { Logger } from "../logger";
import type { ErrorFormat } from "./errors";
import type { Microversion } from "./microversion";

/** Who is calling, as established by the auth strategy. */
export interface AuthContext {
  userId: string;
  projectId: string;
  /** Keystone role names, implied roles included (admin implies member implies reader). */
  roles: readonly string[];
  isAdmin: boolean;
}

/**
 * Whoever a valid token stands for, whatever its scope: the identity API takes unscoped and
 * domain-scoped tokens too (projectId null), the compute and image APIs only project-scoped ones.
 */
export interface TokenHolder extends Omit<AuthContext, "projectId"> {
  projectId: string | null;
}

/** Everything a compute handler needs to know about its caller; passed on to the service layer. */
export interface RequestContext extends AuthContext {
  requestId: string;
  microversion: Microversion;
}

interface BaseVariables {
  requestId: string;
  /** Logger bound to this request's id. */
  log: Logger;
  /** Which project's error shape this request is answered in. */
  errorFormat: ErrorFormat;
  /** NIMBUS_PUBLIC_URL, for links (see links.ts `baseUrl`). */
  publicUrl: string | undefined;
}

/** `Bindings` holds the Node request/response, so large uploads can stream from `c.env.incoming`. */
export interface RestEnv {
  Bindings: HttpBindings;
  Variables: BaseVariables & {
    auth?: AuthContext;
    /** Set by `requireToken` on identity routes. */
    holder?: TokenHolder;
    microversion?: Microversion;
    ctx?: RequestContext;
  };
}

/** Handlers under /compute/v2.1: authenticated and microversioned. */
export interface ComputeEnv {
  Bindings: HttpBindings;
  Variables: BaseVariables & { auth: AuthContext; microversion: Microversion; ctx: RequestContext };
}

/** Handlers under /identity/v3 and /image/v2 that sit behind `requireAuth`. */
export interface AuthedEnv {
  Bindings: HttpBindings;
  Variables: BaseVariables & { auth: AuthContext };
}
