// Keystone's administration for the Admin pages: projects, users and their roles on projects.
// Every procedure calls the identity service the Keystone REST API uses (same policy, same words).
import {
  DEFAULT_DOMAIN,
  password,
  projectName,
  projectSchema,
  roleAssignmentSchema,
  roleSchema,
  userName,
  userSchema,
} from "@nimbus/rpc";
import { z } from "zod";
import {
  createProject,
  createUser,
  deleteProject,
  deleteUser,
  grantRole,
  listProjects,
  listRoleAssignments,
  listRoles,
  listUsers,
  revokeRole,
  updateProject,
  updateUser,
} from "../../../services/identity";
import { adminProcedure, createTRPCRouter } from "../../trpc";

const id = z.string().min(1).max(64);
const description = z.string().trim().max(65_535);
const assignment = z.object({ projectId: id, userId: id, roleId: id });

export const identityRouter = createTRPCRouter({
  projects: adminProcedure
    .output(z.array(projectSchema))
    .query(({ ctx }) => listProjects(ctx.identityCtx, {})),

  createProject: adminProcedure
    .input(z.object({ name: projectName, description, enabled: z.boolean() }))
    .output(projectSchema)
    .mutation(({ ctx, input }) =>
      createProject(ctx.identityCtx, {
        ...input,
        domainId: DEFAULT_DOMAIN.id,
        description: input.description || null,
      }),
    ),

  updateProject: adminProcedure
    .input(z.object({ id, name: projectName, description, enabled: z.boolean() }))
    .output(projectSchema)
    .mutation(({ ctx, input }) =>
      updateProject(ctx.identityCtx, { ...input, description: input.description || null }),
    ),

  deleteProject: adminProcedure.input(z.object({ id })).mutation(async ({ ctx, input }) => {
    await deleteProject(ctx.identityCtx, input.id);
  }),

  users: adminProcedure
    .output(z.array(userSchema))
    .query(({ ctx }) => listUsers(ctx.identityCtx, {})),

  createUser: adminProcedure
    .input(
      z.object({
        name: userName,
        password,
        defaultProjectId: id.nullable(),
        email: z.email().max(255).nullable(),
        enabled: z.boolean(),
      }),
    )
    .output(userSchema)
    .mutation(({ ctx, input }) =>
      createUser(ctx.identityCtx, { ...input, domainId: DEFAULT_DOMAIN.id }),
    ),

  /** Change some of a user's fields; a password given here replaces the old one. */
  updateUser: adminProcedure
    .input(
      z.object({
        id,
        name: userName.optional(),
        password: password.optional(),
        defaultProjectId: id.nullable().optional(),
        email: z.email().max(255).nullable().optional(),
        enabled: z.boolean().optional(),
      }),
    )
    .output(userSchema)
    .mutation(({ ctx, input }) => updateUser(ctx.identityCtx, input)),

  deleteUser: adminProcedure.input(z.object({ id })).mutation(async ({ ctx, input }) => {
    await deleteUser(ctx.identityCtx, input.id);
  }),

  roles: adminProcedure.output(z.array(roleSchema)).query(({ ctx }) => listRoles(ctx.identityCtx)),

  /** Who has which role on a project. */
  assignments: adminProcedure
    .input(z.object({ projectId: id }))
    .output(z.array(roleAssignmentSchema))
    .query(({ ctx, input }) => listRoleAssignments(ctx.identityCtx, input)),

  grant: adminProcedure.input(assignment).mutation(async ({ ctx, input }) => {
    await grantRole(ctx.identityCtx, input);
  }),

  revoke: adminProcedure.input(assignment).mutation(async ({ ctx, input }) => {
    await revokeRole(ctx.identityCtx, input);
  }),
});
