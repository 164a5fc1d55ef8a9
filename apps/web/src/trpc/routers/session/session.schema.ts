import { z } from "zod";

export const loginInput = z.object({
  username: z.string().trim().min(1, "Enter your user name.").max(255),
  password: z.string().min(1, "Enter your password.").max(4096),
  /** a project name; empty: the user's default project, else the first one with a role */
  project: z.string().trim().max(64).optional(),
});

export const sessionView = z.object({
  userId: z.string(),
  userName: z.string(),
  projectId: z.string(),
  projectName: z.string(),
  roles: z.array(z.string()),
  isAdmin: z.boolean(),
  expiresAt: z.string(),
  settings: z.object({ stuckTaskSeconds: z.number() }),
});
export type SessionView = z.infer<typeof sessionView>;

export const projectView = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
});
