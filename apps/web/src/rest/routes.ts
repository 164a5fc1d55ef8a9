// The resources each API serves, one RouteModule per resource file
// (e.g. compute/servers.ts exports `servers: RouteModule<ComputeEnv>`). Add new ones here.
import type { RestRoutes } from "./app";
import { hypervisors } from "./compute/hypervisors";
import { instanceActions } from "./compute/instance-actions";
import { osServices } from "./compute/os-services";
import { remoteConsoles } from "./compute/remote-consoles";
import { serverActionsRoutes } from "./compute/server-actions";
import { servers } from "./compute/servers";
import { imageFile } from "./image/image-data";
import { authTokens } from "./identity/auth-tokens";
import { domains } from "./identity/domains";
import { projects } from "./identity/projects";
import { roleAssignments } from "./identity/role-assignments";
import { roles } from "./identity/roles";
import { users } from "./identity/users";
import { images } from "./image/images";
import { imageSchemas } from "./image/schemas";

export const restRoutes: RestRoutes = {
  compute: [servers, serverActionsRoutes, instanceActions, osServices, hypervisors, remoteConsoles],
  identity: [authTokens, domains, projects, users, roles, roleAssignments],
  image: [images, imageFile, imageSchemas],
};
