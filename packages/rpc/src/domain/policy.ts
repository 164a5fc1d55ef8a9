// Who may do what: Nova's and Keystone's default policies in one table. The REST API, tRPC and
// the dashboard all ask `allowed(...)`, so a button is never shown for a call the API would refuse.
//
// Roles imply each other as Keystone's bootstrap sets them up: admin ⊃ member ⊃ reader. `admin`
// is a cloud-wide role (Nova's legacy admin); `member` and `reader` apply in the token's project.

export type PolicyRule =
  /** any authenticated user */
  | "any"
  /** reader, member or admin in the target's project (or admin anywhere) */
  | "project_reader"
  /** member or admin in the target's project (or admin anywhere) */
  | "project_member"
  /** the cloud admin */
  | "admin";

export const POLICIES = {
  // servers
  "servers:index": "project_reader",
  "servers:detail": "project_reader",
  "servers:show": "project_reader",
  "servers:index:all_tenants": "admin",
  "servers:show:host_attributes": "admin",
  "servers:show:host_status": "admin",
  "servers:show:flavor_extra_specs": "project_reader",
  /** filter server lists by anything, not just the filters Nova lets users use */
  "servers:allow_all_filters": "admin",
  "servers:create": "project_member",
  "servers:create:forced_host": "admin",
  "servers:update": "project_member",
  "servers:delete": "project_member",
  "servers:reboot": "project_member",
  "servers:stop": "project_member",
  "servers:start": "project_member",
  "servers:pause": "project_member",
  "servers:unpause": "project_member",
  "servers:suspend": "project_member",
  "servers:resume": "project_member",
  "servers:resize": "project_member",
  "servers:confirm_resize": "project_member",
  "servers:revert_resize": "project_member",
  "servers:lock": "project_member",
  "servers:unlock": "project_member",
  "servers:unlock:unlock_override": "admin",
  "servers:reset_state": "admin",
  "servers:console_output": "project_member",
  "servers:remote_consoles": "project_member",
  "servers:instance_actions": "project_reader",
  /** an action's events with their tracebacks and hosts (before 2.51 the events at all) */
  "servers:instance_actions:events": "admin",
  /**
   * NOTE(nimbus): an event's `details` (2.84) carry the scheduler's explanation of a placement
   * (hosts each filter removed, the weights). Nova keeps them for admins; we show them to the
   * project, because "why did my server land there / why was no host valid" is the user's question.
   * An operator who considers host names private sets this back to "admin".
   */
  "servers:instance_actions:events:details": "project_reader",
  // flavors
  "flavors:index": "any",
  "flavors:show": "any",
  "flavors:create": "admin",
  "flavors:update": "admin",
  "flavors:delete": "admin",
  "flavors:extra_specs:index": "any",
  "flavors:extra_specs:write": "admin",
  "flavors:access:index": "admin",
  "flavors:access:write": "admin",
  // quotas and limits
  "quotas:show": "project_reader",
  "quotas:defaults": "any",
  "quotas:update": "admin",
  "quotas:delete": "admin",
  "quota_classes:show": "admin",
  "quota_classes:update": "admin",
  "limits:show": "any",
  "limits:other_project": "admin",
  // key pairs (owned by users; writing them needs a member)
  "keypairs:index": "project_reader",
  "keypairs:show": "project_reader",
  "keypairs:create": "project_member",
  "keypairs:delete": "project_member",
  "keypairs:other_user": "admin",
  // server groups
  "server_groups:index": "project_reader",
  "server_groups:show": "project_reader",
  "server_groups:index:all_projects": "admin",
  "server_groups:create": "project_member",
  "server_groups:delete": "project_member",
  // availability zones, usage, hosts
  "availability_zones:index": "any",
  "availability_zones:detail": "admin",
  "usage:show": "project_reader",
  "usage:list": "admin",
  "hypervisors:read": "admin",
  "services:read": "admin",
  "services:write": "admin",
  // images
  "images:read": "any",
  "images:write": "project_member",
  "images:publicize": "admin",
  // identity: Keystone's defaults reduced to these roles. Where Keystone also lets the user itself
  // in (get_user, list_user_projects, validate_token, revoke_token) the identity service checks
  // that first and asks this table for everyone else.
  /** the projects a token's user may scope to, and the catalog (GET /v3/auth/projects, /catalog) */
  "identity:get_auth_projects": "any",
  "identity:get_auth_catalog": "any",
  "identity:get_domain": "any",
  "identity:list_domains": "admin",
  /** a project its members (any role) may read */
  "identity:get_project": "project_reader",
  "identity:list_projects": "admin",
  "identity:create_project": "admin",
  "identity:update_project": "admin",
  "identity:delete_project": "admin",
  "identity:get_user": "admin",
  "identity:list_users": "admin",
  "identity:list_user_projects": "admin",
  "identity:create_user": "admin",
  "identity:update_user": "admin",
  "identity:delete_user": "admin",
  "identity:get_role": "admin",
  "identity:list_roles": "admin",
  "identity:create_role": "admin",
  "identity:delete_role": "admin",
  "identity:check_grant": "admin",
  "identity:list_grants": "admin",
  "identity:create_grant": "admin",
  "identity:revoke_grant": "admin",
  "identity:list_role_assignments": "admin",
  "identity:validate_token": "admin",
  "identity:revoke_token": "admin",
} as const satisfies Record<string, PolicyRule>;

export type PolicyName = keyof typeof POLICIES;

export interface Credentials {
  roles: readonly string[];
  projectId?: string | null;
}

export const hasRole = (creds: Credentials, role: "admin" | "member" | "reader"): boolean => {
  const r = creds.roles;
  if (role === "admin") return r.includes("admin");
  if (role === "member") return r.includes("admin") || r.includes("member");
  return r.includes("admin") || r.includes("member") || r.includes("reader");
};

export const isAdmin = (creds: Credentials): boolean => hasRole(creds, "admin");

/**
 * Whether `creds` may act under `policy` on a target owned by `targetProjectId` (omit it for
 * actions on the caller's own project, e.g. creating a server there).
 */
export function allowed(
  creds: Credentials,
  policy: PolicyName,
  targetProjectId?: string | null,
): boolean {
  const rule: PolicyRule = POLICIES[policy];
  if (rule === "any") return true;
  if (isAdmin(creds)) return true;
  if (rule === "admin") return false;
  const sameProject =
    !!creds.projectId && (targetProjectId === undefined || targetProjectId === creds.projectId);
  if (!sameProject) return false;
  return hasRole(creds, rule === "project_member" ? "member" : "reader");
}
