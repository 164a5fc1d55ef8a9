// How a request's token becomes a caller. One strategy per deployment (NIMBUS_AUTH_STRATEGY):
// `keystone` (tokens issued by /identity/v3) or `noauth2` (Nova's test mode).
import type { TokenHolder } from "../context";
import type { HttpError } from "../errors";

export interface AuthStrategy {
  readonly name: string;
  /** Who a token stands for, whatever its scope, or null when it stands for nobody (401). */
  authenticate(token: string, requestId?: string): Promise<TokenHolder | null>;
  /** The 401 for a request it cannot authenticate; default: the API's own unauthorized error. */
  rejection?(base: string): HttpError;
  /** Drop whatever is cached about a token that was just revoked through this process. */
  forget?(token: string): void;
  /** Release what the strategy holds (bus subscriptions). */
  close?(): Promise<void>;
}
