// Every message the conductor serves, one handler file each.
import type { Handler } from "@nimbus/rpc";
import type { Conductor } from "../deps";
import { actionEventHandler } from "./action-event";
import { buildFailedHandler } from "./build-failed";
import { consoleOutputHandler } from "./console-output";
import { createServersHandler } from "./create-servers";
import { deleteServiceHandler } from "./delete-service";
import { getImageHandler } from "./get-image";
import { getServerHandler } from "./get-server";
import { hostInstancesHandler } from "./host-instances";
import { hostStatesHandler } from "./host-states";
import { instanceDestroyedHandler } from "./instance-destroyed";
import { instanceUpdateHandler } from "./instance-update";
import { listHypervisorsHandler } from "./list-hypervisors";
import { listInstanceActionsHandler } from "./list-instance-actions";
import { listServersHandler } from "./list-servers";
import { listServicesHandler } from "./list-services";
import { pingHandler } from "./ping";
import { powerSyncHandler } from "./power-sync";
import { scheduleAndBuildHandler } from "./schedule-and-build";
import { serverActionHandler } from "./server-action";
import { serviceReportHandler } from "./service-report";
import { startBuildHandler } from "./start-build";
import { updateServerHandler } from "./update-server";
import { updateServiceHandler } from "./update-service";
// consoles
import { consoleConnectInfoHandler } from "./console-connect-info";
import { getConsoleTokenHandler } from "./get-console-token";
import { storeConsoleTokenHandler } from "./store-console-token";
// flavors, quotas, key pairs, server groups, usage
import { createFlavorHandler } from "./create-flavor";
import { createKeyPairHandler } from "./create-key-pair";
import { createServerGroupHandler } from "./create-server-group";
import { deleteFlavorHandler } from "./delete-flavor";
import { deleteKeyPairHandler } from "./delete-key-pair";
import { deleteQuotasHandler } from "./delete-quotas";
import { deleteServerGroupHandler } from "./delete-server-group";
import { flavorAccessHandler } from "./flavor-access";
import { getFlavorHandler } from "./get-flavor";
import { getKeyPairHandler } from "./get-key-pair";
import { getQuotasHandler } from "./get-quotas";
import { getServerGroupHandler } from "./get-server-group";
import { listFlavorsHandler } from "./list-flavors";
import { listKeyPairsHandler } from "./list-key-pairs";
import { listServerGroupsHandler } from "./list-server-groups";
import { listUsageHandler } from "./list-usage";
import { quotaClassHandler } from "./quota-class";
import { updateFlavorHandler } from "./update-flavor";
import { updateFlavorExtraSpecsHandler } from "./update-flavor-extra-specs";
import { updateQuotasHandler } from "./update-quotas";
// images (Glance)
import { abortImageUploadHandler } from "./abort-image-upload";
import { beginImageUploadHandler } from "./begin-image-upload";
import { createImageHandler } from "./create-image";
import { deleteImageHandler } from "./delete-image";
import { finishImageUploadHandler } from "./finish-image-upload";
import { listImagesHandler } from "./list-images";
import { updateImageHandler } from "./update-image";
// identity (Keystone)
import { authenticateHandler } from "./authenticate";
import { checkRoleHandler } from "./check-role";
import { createProjectHandler } from "./create-project";
import { createRoleHandler } from "./create-role";
import { createUserHandler } from "./create-user";
import { deleteProjectHandler } from "./delete-project";
import { deleteRoleHandler } from "./delete-role";
import { deleteUserHandler } from "./delete-user";
import { getProjectHandler } from "./get-project";
import { getRoleHandler } from "./get-role";
import { getUserHandler } from "./get-user";
import { grantRoleHandler } from "./grant-role";
import { listProjectsHandler } from "./list-projects";
import { listRoleAssignmentsHandler } from "./list-role-assignments";
import { listRolesHandler } from "./list-roles";
import { listUsersHandler } from "./list-users";
import { revokeRoleHandler } from "./revoke-role";
import { rescopeTokenHandler } from "./rescope-token";
import { revokeTokenHandler } from "./revoke-token";
import { updateProjectHandler } from "./update-project";
import { updateUserHandler } from "./update-user";
import { validateTokenHandler } from "./validate-token";

export function conductorHandlers(c: Conductor): Handler[] {
  return [
    actionEventHandler,
    buildFailedHandler,
    consoleOutputHandler,
    createServersHandler,
    deleteServiceHandler,
    getImageHandler,
    getServerHandler,
    hostInstancesHandler,
    hostStatesHandler,
    instanceDestroyedHandler,
    instanceUpdateHandler,
    listHypervisorsHandler,
    listInstanceActionsHandler,
    listServersHandler,
    listServicesHandler,
    pingHandler,
    powerSyncHandler,
    scheduleAndBuildHandler,
    serverActionHandler,
    serviceReportHandler,
    startBuildHandler,
    updateServerHandler,
    updateServiceHandler,
    consoleConnectInfoHandler,
    getConsoleTokenHandler,
    storeConsoleTokenHandler,
    createFlavorHandler,
    createKeyPairHandler,
    createServerGroupHandler,
    deleteFlavorHandler,
    deleteKeyPairHandler,
    deleteQuotasHandler,
    deleteServerGroupHandler,
    flavorAccessHandler,
    getFlavorHandler,
    getKeyPairHandler,
    getQuotasHandler,
    getServerGroupHandler,
    listFlavorsHandler,
    listKeyPairsHandler,
    listServerGroupsHandler,
    listUsageHandler,
    quotaClassHandler,
    updateFlavorHandler,
    updateFlavorExtraSpecsHandler,
    updateQuotasHandler,
    abortImageUploadHandler,
    beginImageUploadHandler,
    createImageHandler,
    deleteImageHandler,
    finishImageUploadHandler,
    listImagesHandler,
    updateImageHandler,
    authenticateHandler,
    checkRoleHandler,
    createProjectHandler,
    createRoleHandler,
    createUserHandler,
    deleteProjectHandler,
    deleteRoleHandler,
    deleteUserHandler,
    getProjectHandler,
    getRoleHandler,
    getUserHandler,
    grantRoleHandler,
    listProjectsHandler,
    listRoleAssignmentsHandler,
    listRolesHandler,
    listUsersHandler,
    revokeRoleHandler,
    rescopeTokenHandler,
    revokeTokenHandler,
    updateProjectHandler,
    updateUserHandler,
    validateTokenHandler,
  ].map((make) => make(c));
}
