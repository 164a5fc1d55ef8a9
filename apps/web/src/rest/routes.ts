// The resources each API serves, one RouteModule per resource file
// (e.g. compute/servers.ts exports `servers: RouteModule<ComputeEnv>`). Add new ones here.
import type { RestRoutes } from "./app";
import { availabilityZones } from "./compute/availability-zones";
import { flavors } from "./compute/flavors";
import { hypervisors } from "./compute/hypervisors";
import { instanceActions } from "./compute/instance-actions";
import { keypairs } from "./compute/keypairs";
import { limits } from "./compute/limits";
import { osServices } from "./compute/os-services";
import { quotaSets } from "./compute/quota-sets";
import { remoteConsoles } from "./compute/remote-consoles";
import { serverActionsRoutes } from "./compute/server-actions";
import { serverGroups } from "./compute/server-groups";
import { servers } from "./compute/servers";
import { simpleTenantUsage } from "./compute/simple-tenant-usage";
import { authTokens } from "./identity/auth-tokens";
import { domains } from "./identity/domains";
import { projects } from "./identity/projects";
import { roleAssignments } from "./identity/role-assignments";
import { roles } from "./identity/roles";
import { users } from "./identity/users";
import { imageFile } from "./image/image-data";
import { images } from "./image/images";
import { imageSchemas } from "./image/schemas";

export const restRoutes: RestRoutes = {
  compute: [
    servers,
    serverActionsRoutes,
    instanceActions,
    osServices,
    hypervisors,
    remoteConsoles,
    flavors,
    quotaSets,
    limits,
    keypairs,
    availabilityZones,
    serverGroups,
    simpleTenantUsage,
  ],
  identity: [authTokens, domains, projects, users, roles, roleAssignments],
  image: [images, imageFile, imageSchemas],
};
