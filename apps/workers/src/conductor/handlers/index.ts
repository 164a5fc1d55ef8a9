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
  ].map((make) => make(c));
}
