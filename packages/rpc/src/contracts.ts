// Every contract on the bus. The fingerprint test pins each one's schema; subscribers validate
// notifications against the list below.
import type { z } from "zod";
import { ping } from "./conductor/ping.js";
import { serviceUpdate } from "./notifications/service-update.js";
import { syncInstanceInfo } from "./scheduler/sync-instance-info.js";

export { ping, serviceUpdate, syncInstanceInfo };

export const messages = [ping, syncInstanceInfo] as const;

export const notifications = [serviceUpdate] as const;

export const contracts = [...messages, ...notifications] as const;

type AnyNotification = (typeof notifications)[number];

/** An event as a subscriber receives it: narrow on `type` to get a typed payload. */
export type NotificationEvent = {
  [N in AnyNotification as N["event"]]: {
    type: N["event"];
    /** The version the publisher sent (same major as ours, any minor). */
    version: string;
    payload: z.output<N["payload"]>;
  };
}[AnyNotification["event"]];
