// The resources each API serves, one RouteModule per resource file
// (e.g. compute/servers.ts exports `servers: RouteModule<ComputeEnv>`). Add new ones here.
import type { RestRoutes } from "./app";

export const restRoutes: RestRoutes = {
  compute: [],
  identity: [],
  image: [],
};
