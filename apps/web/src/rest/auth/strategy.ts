// How a request's token becomes a caller. One strategy per deployment (NIMBUS_AUTH_STRATEGY); the
// identity work adds `keystone` beside `noauth2`.
import type { AuthContext } from "../context";

export interface AuthStrategy {
  readonly name: string;
  /** The caller a token stands for, or null when it stands for nobody (401). */
  authenticate(token: string): Promise<AuthContext | null>;
}
