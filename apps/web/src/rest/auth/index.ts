import type { WebConfig } from "../../env";
import { noauth2 } from "./noauth2";
import type { AuthStrategy } from "./strategy";

export type { AuthStrategy };

export function authStrategyFor(config: Pick<WebConfig, "NIMBUS_AUTH_STRATEGY">): AuthStrategy {
  switch (config.NIMBUS_AUTH_STRATEGY) {
    case "noauth2":
      return noauth2();
  }
}
