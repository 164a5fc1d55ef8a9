import type { Bus } from "@nimbus/rpc";
import type { WebConfig } from "../../env";
import type { Logger } from "../../logger";
import { keystone } from "./keystone";
import { noauth2 } from "./noauth2";
import type { AuthStrategy } from "./strategy";

export type { AuthStrategy };

export async function authStrategyFor(
  config: Pick<WebConfig, "NIMBUS_AUTH_STRATEGY">,
  deps: { bus: Bus; log: Logger },
): Promise<AuthStrategy> {
  switch (config.NIMBUS_AUTH_STRATEGY) {
    case "keystone":
      return keystone(deps);
    case "noauth2":
      return noauth2();
  }
}
