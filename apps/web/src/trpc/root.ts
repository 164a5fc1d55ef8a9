// Every tRPC router the dashboard can call, one per resource (routers/<resource>/router.ts).
import { availabilityZonesRouter } from "./routers/availability-zones/router";
import { flavorsRouter } from "./routers/flavors/router";
import { healthRouter } from "./routers/health";
import { hypervisorsRouter } from "./routers/hypervisors/router";
import { identityRouter } from "./routers/identity/router";
import { imagesRouter } from "./routers/images/router";
import { keyPairsRouter } from "./routers/key-pairs/router";
import { quotasRouter } from "./routers/quotas/router";
import { serverGroupsRouter } from "./routers/server-groups/router";
import { serversRouter } from "./routers/servers/router";
import { servicesRouter } from "./routers/services/router";
import { sessionRouter } from "./routers/session/router";
import { tasksRouter } from "./routers/tasks/router";
import { usageRouter } from "./routers/usage/router";
import { createTRPCRouter } from "./trpc";

export const appRouter = createTRPCRouter({
  health: healthRouter,
  session: sessionRouter,
  servers: serversRouter,
  images: imagesRouter,
  flavors: flavorsRouter,
  keyPairs: keyPairsRouter,
  serverGroups: serverGroupsRouter,
  availabilityZones: availabilityZonesRouter,
  quotas: quotasRouter,
  tasks: tasksRouter,
  usage: usageRouter,
  hypervisors: hypervisorsRouter,
  services: servicesRouter,
  identity: identityRouter,
});

export type AppRouter = typeof appRouter;
