// Every contract on the bus. The fingerprint test pins each one's schema; subscribers validate
// notifications against the list below. Adding a contract: write its file, list it here, then
// `npm run pin-contracts -w @nimbus/rpc`.
import type { z } from "zod";
import { actionEvent } from "./conductor/action-event.js";
import { buildFailed } from "./conductor/build-failed.js";
import { consoleOutput } from "./conductor/console-output.js";
import { createServers } from "./conductor/create-servers.js";
import { deleteService } from "./conductor/delete-service.js";
import { getImage } from "./conductor/get-image.js";
import { getServer } from "./conductor/get-server.js";
import { hostInstances } from "./conductor/host-instances.js";
import { hostStates } from "./conductor/host-states.js";
import { instanceDestroyed } from "./conductor/instance-destroyed.js";
import { instanceUpdate } from "./conductor/instance-update.js";
import { listHypervisors } from "./conductor/list-hypervisors.js";
import { listInstanceActions } from "./conductor/list-instance-actions.js";
import { listServers } from "./conductor/list-servers.js";
import { listServices } from "./conductor/list-services.js";
import { ping } from "./conductor/ping.js";
import { powerSync } from "./conductor/power-sync.js";
import { scheduleAndBuild } from "./conductor/schedule-and-build.js";
import { serverAction } from "./conductor/server-action.js";
import { serviceReport } from "./conductor/service-report.js";
import { startBuild } from "./conductor/start-build.js";
import { updateServer } from "./conductor/update-server.js";
import { updateService } from "./conductor/update-service.js";
// flavors, quotas, key pairs, server groups, usage
import { createFlavor } from "./conductor/create-flavor.js";
import { createKeyPair } from "./conductor/create-key-pair.js";
import { createServerGroup } from "./conductor/create-server-group.js";
import { deleteFlavor } from "./conductor/delete-flavor.js";
import { deleteKeyPair } from "./conductor/delete-key-pair.js";
import { deleteQuotas } from "./conductor/delete-quotas.js";
import { deleteServerGroup } from "./conductor/delete-server-group.js";
import { flavorAccess } from "./conductor/flavor-access.js";
import { getFlavor } from "./conductor/get-flavor.js";
import { getKeyPair } from "./conductor/get-key-pair.js";
import { getQuotas } from "./conductor/get-quotas.js";
import { getServerGroup } from "./conductor/get-server-group.js";
import { listFlavors } from "./conductor/list-flavors.js";
import { listKeyPairs } from "./conductor/list-key-pairs.js";
import { listServerGroups } from "./conductor/list-server-groups.js";
import { listUsage } from "./conductor/list-usage.js";
import { quotaClass } from "./conductor/quota-class.js";
import { updateFlavor } from "./conductor/update-flavor.js";
import { updateFlavorExtraSpecs } from "./conductor/update-flavor-extra-specs.js";
import { updateQuotas } from "./conductor/update-quotas.js";
// identity (Keystone)
import { authenticate } from "./conductor/authenticate.js";
import { checkRole } from "./conductor/check-role.js";
import { createProject } from "./conductor/create-project.js";
import { createRole } from "./conductor/create-role.js";
import { createUser } from "./conductor/create-user.js";
import { deleteProject } from "./conductor/delete-project.js";
import { deleteRole } from "./conductor/delete-role.js";
import { deleteUser } from "./conductor/delete-user.js";
import { getProject } from "./conductor/get-project.js";
import { getRole } from "./conductor/get-role.js";
import { getUser } from "./conductor/get-user.js";
import { grantRole } from "./conductor/grant-role.js";
import { listProjects } from "./conductor/list-projects.js";
import { listRoleAssignments } from "./conductor/list-role-assignments.js";
import { listRoles } from "./conductor/list-roles.js";
import { listUsers } from "./conductor/list-users.js";
import { revokeRole } from "./conductor/revoke-role.js";
import { rescopeToken } from "./conductor/rescope-token.js";
import { revokeToken } from "./conductor/revoke-token.js";
import { updateProject } from "./conductor/update-project.js";
import { updateUser } from "./conductor/update-user.js";
import { validateToken } from "./conductor/validate-token.js";
// images (Glance)
import { abortImageUpload } from "./conductor/abort-image-upload.js";
import { beginImageUpload } from "./conductor/begin-image-upload.js";
import { createImage } from "./conductor/create-image.js";
import { deleteImage } from "./conductor/delete-image.js";
import { finishImageUpload } from "./conductor/finish-image-upload.js";
import { listImages } from "./conductor/list-images.js";
import { updateImage } from "./conductor/update-image.js";
// consoles
import { consoleConnectInfo } from "./conductor/console-connect-info.js";
import { getConsoleToken } from "./conductor/get-console-token.js";
import { storeConsoleToken } from "./conductor/store-console-token.js";
import { authorizeConsole } from "./consoleauth/authorize-console.js";
import { checkConsoleToken } from "./consoleauth/check-token.js";
import { getVncConsole } from "./compute/get-vnc-console.js";
import { selectDestinations } from "./scheduler/select-destinations.js";
import { syncInstanceInfo } from "./scheduler/sync-instance-info.js";
import { buildAndRunInstance } from "./compute/build-and-run-instance.js";
import { confirmResize } from "./compute/confirm-resize.js";
import { getConsoleOutput } from "./compute/get-console-output.js";
import { pauseInstance } from "./compute/pause-instance.js";
import { rebootInstance } from "./compute/reboot-instance.js";
import { resizeInstance } from "./compute/resize-instance.js";
import { resumeInstance } from "./compute/resume-instance.js";
import { revertResize } from "./compute/revert-resize.js";
import { startInstance } from "./compute/start-instance.js";
import { stopInstance } from "./compute/stop-instance.js";
import { suspendInstance } from "./compute/suspend-instance.js";
import { terminateInstance } from "./compute/terminate-instance.js";
import { unpauseInstance } from "./compute/unpause-instance.js";
import { computeNodeUpdateEvent } from "./notifications/compute-node-update.js";
import { instanceActionEvent } from "./notifications/instance-action.js";
import { instanceCreateEvent } from "./notifications/instance-create.js";
import { instanceDeleteEvent } from "./notifications/instance-delete.js";
import { instanceUpdateEvent } from "./notifications/instance-update.js";
import { serviceUpdateEvent } from "./notifications/service-update.js";
import { identityChangeEvent } from "./notifications/identity-change.js";

export {
  actionEvent,
  buildFailed,
  consoleOutput,
  createServers,
  deleteService,
  getImage,
  getServer,
  hostInstances,
  hostStates,
  instanceDestroyed,
  instanceUpdate,
  listHypervisors,
  listInstanceActions,
  listServers,
  listServices,
  ping,
  powerSync,
  scheduleAndBuild,
  serverAction,
  serviceReport,
  startBuild,
  updateServer,
  updateService,
  createFlavor,
  createKeyPair,
  createServerGroup,
  deleteFlavor,
  deleteKeyPair,
  deleteQuotas,
  deleteServerGroup,
  flavorAccess,
  getFlavor,
  getKeyPair,
  getQuotas,
  getServerGroup,
  listFlavors,
  listKeyPairs,
  listServerGroups,
  listUsage,
  quotaClass,
  updateFlavor,
  updateFlavorExtraSpecs,
  updateQuotas,
  authenticate,
  checkRole,
  createProject,
  createRole,
  createUser,
  deleteProject,
  deleteRole,
  deleteUser,
  getProject,
  getRole,
  getUser,
  grantRole,
  listProjects,
  listRoleAssignments,
  listRoles,
  listUsers,
  revokeRole,
  rescopeToken,
  revokeToken,
  updateProject,
  updateUser,
  validateToken,
  abortImageUpload,
  beginImageUpload,
  createImage,
  deleteImage,
  finishImageUpload,
  listImages,
  updateImage,
  selectDestinations,
  syncInstanceInfo,
  buildAndRunInstance,
  confirmResize,
  getConsoleOutput,
  pauseInstance,
  rebootInstance,
  resizeInstance,
  resumeInstance,
  revertResize,
  startInstance,
  stopInstance,
  suspendInstance,
  terminateInstance,
  unpauseInstance,
  consoleConnectInfo,
  getConsoleToken,
  storeConsoleToken,
  authorizeConsole,
  checkConsoleToken,
  getVncConsole,
  computeNodeUpdateEvent,
  instanceActionEvent,
  instanceCreateEvent,
  instanceDeleteEvent,
  instanceUpdateEvent,
  serviceUpdateEvent,
  identityChangeEvent,
};

export const messages = [
  actionEvent,
  buildFailed,
  consoleOutput,
  createServers,
  deleteService,
  getImage,
  getServer,
  hostInstances,
  hostStates,
  instanceDestroyed,
  instanceUpdate,
  listHypervisors,
  listInstanceActions,
  listServers,
  listServices,
  ping,
  powerSync,
  scheduleAndBuild,
  serverAction,
  serviceReport,
  startBuild,
  updateServer,
  updateService,
  createFlavor,
  createKeyPair,
  createServerGroup,
  deleteFlavor,
  deleteKeyPair,
  deleteQuotas,
  deleteServerGroup,
  flavorAccess,
  getFlavor,
  getKeyPair,
  getQuotas,
  getServerGroup,
  listFlavors,
  listKeyPairs,
  listServerGroups,
  listUsage,
  quotaClass,
  updateFlavor,
  updateFlavorExtraSpecs,
  updateQuotas,
  authenticate,
  checkRole,
  createProject,
  createRole,
  createUser,
  deleteProject,
  deleteRole,
  deleteUser,
  getProject,
  getRole,
  getUser,
  grantRole,
  listProjects,
  listRoleAssignments,
  listRoles,
  listUsers,
  revokeRole,
  rescopeToken,
  revokeToken,
  updateProject,
  updateUser,
  validateToken,
  abortImageUpload,
  beginImageUpload,
  createImage,
  deleteImage,
  finishImageUpload,
  listImages,
  updateImage,
  selectDestinations,
  syncInstanceInfo,
  buildAndRunInstance,
  confirmResize,
  getConsoleOutput,
  pauseInstance,
  rebootInstance,
  resizeInstance,
  resumeInstance,
  revertResize,
  startInstance,
  stopInstance,
  suspendInstance,
  terminateInstance,
  unpauseInstance,
  consoleConnectInfo,
  getConsoleToken,
  storeConsoleToken,
  authorizeConsole,
  checkConsoleToken,
  getVncConsole,
] as const;

export const notifications = [
  computeNodeUpdateEvent,
  instanceActionEvent,
  instanceCreateEvent,
  instanceDeleteEvent,
  instanceUpdateEvent,
  serviceUpdateEvent,
  identityChangeEvent,
] as const;

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
