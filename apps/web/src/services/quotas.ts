// Quotas: a project's limits and usage (os-quota-sets, /limits), and the quota classes. Per-user
// quotas are not kept here: every limit is a project's.
import {
  deleteQuotas as deleteQuotasContract,
  getQuotas as getQuotasContract,
  quotaClass as quotaClassContract,
  RpcError,
  updateQuotas as updateQuotasContract,
  type QuotaChanges,
  type QuotaSet,
  type QuotaUsage,
} from "@nimbus/rpc";
import { authorize, busContext, type ServiceContext } from "./context";

export interface ProjectQuotas {
  limits: QuotaSet;
  defaults: QuotaSet;
  usage: QuotaUsage;
}

/** Keystone ids are 32 hex characters; anything longer cannot name a project here. */
export function checkProjectId(projectId: string): void {
  if (projectId.length === 0 || projectId.length > 32) {
    throw new RpcError("invalid", `Project ID ${projectId} is not a valid project.`);
  }
}

async function readQuotas(ctx: ServiceContext, projectId: string): Promise<ProjectQuotas> {
  checkProjectId(projectId);
  return ctx.bus.call(getQuotasContract, { projectId }, { ctx: busContext(ctx) });
}

/** A project's limits with its usage (its own project for a member or reader; any for admins). */
export async function getProjectQuotas(
  ctx: ServiceContext,
  projectId: string,
): Promise<ProjectQuotas> {
  authorize(ctx, "quotas:show", projectId);
  return readQuotas(ctx, projectId);
}

/** The limits a project gets when it sets none of its own. */
export async function getDefaultQuotas(ctx: ServiceContext, projectId: string): Promise<QuotaSet> {
  authorize(ctx, "quotas:defaults", projectId);
  return (await readQuotas(ctx, projectId)).defaults;
}

/** Set some limits; one below the project's usage is refused unless `force`. */
export async function updateProjectQuotas(
  ctx: ServiceContext,
  projectId: string,
  limits: QuotaChanges,
  force: boolean,
): Promise<ProjectQuotas> {
  authorize(ctx, "quotas:update", projectId);
  checkProjectId(projectId);
  const updated = await ctx.bus.call(
    updateQuotasContract,
    { projectId, limits, force },
    { ctx: busContext(ctx) },
  );
  ctx.log.info({ projectId, limits, force }, "quotas updated");
  return updated;
}

/** Forget a project's own limits: the defaults apply again. */
export async function deleteProjectQuotas(ctx: ServiceContext, projectId: string): Promise<void> {
  authorize(ctx, "quotas:delete", projectId);
  checkProjectId(projectId);
  await ctx.bus.call(deleteQuotasContract, { projectId }, { ctx: busContext(ctx) });
  ctx.log.info({ projectId }, "quotas reset to the defaults");
}

/** The limits of the caller's project, or of `projectId` (admins), for GET /limits. */
export async function getLimits(ctx: ServiceContext, projectId?: string): Promise<ProjectQuotas> {
  authorize(ctx, "limits:show");
  if (projectId !== undefined) authorize(ctx, "limits:other_project");
  return readQuotas(ctx, projectId ?? ctx.projectId);
}

/** A quota class's limits, after setting `set` (admins). */
export async function quotaClass(
  ctx: ServiceContext,
  className: string,
  set: QuotaChanges = {},
): Promise<QuotaSet> {
  const changes = Object.keys(set).length > 0;
  authorize(ctx, changes ? "quota_classes:update" : "quota_classes:show");
  if (className.length > 255) {
    throw new RpcError("invalid", "quota_class_name has a maximum length of 255");
  }
  const { limits } = await ctx.bus.call(
    quotaClassContract,
    { className, set },
    { ctx: busContext(ctx) },
  );
  if (changes) ctx.log.info({ className, limits: set }, "quota class updated");
  return limits;
}
