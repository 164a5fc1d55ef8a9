// conductor.ping: who answered.
import { handler, ping } from "@nimbus/rpc";
import type { Conductor } from "../deps";

export const pingHandler = (c: Conductor) =>
  handler(ping, (req) => ({ echo: req.echo, host: c.bus.host }));
