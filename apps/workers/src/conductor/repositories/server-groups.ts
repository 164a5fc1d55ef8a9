// Server groups (soft-deleted like Nova's) and their live members.
import type { ServerGroup, ServerGroupPolicy } from "@nimbus/rpc";
import { inList, Prisma, type Sql, type Tx } from "./db";

interface GroupRow {
  id: number;
  uuid: string;
  name: string;
  project_id: string;
  user_id: string;
  policy: string;
  rules: unknown;
  created_at: Date;
}

const COLUMNS = Prisma.sql`g.id, g.uuid, g.name, g.project_id, g.user_id, g.policy, g.rules, g.created_at`;

async function withMembers(sql: Sql, rows: GroupRow[]): Promise<ServerGroup[]> {
  const members = new Map<number, string[]>(rows.map((r) => [r.id, []]));
  if (rows.length > 0) {
    const found = await sql.$queryRaw<{ group_id: number; instance_uuid: string }[]>`
      SELECT m.group_id, m.instance_uuid
        FROM server_group_members m JOIN instances i ON i.uuid = m.instance_uuid AND i.deleted = 0
       WHERE m.group_id IN (${inList(rows.map((r) => r.id))})
       ORDER BY m.id`;
    for (const m of found) members.get(m.group_id)!.push(m.instance_uuid);
  }
  return rows.map((r) => {
    const rules = (typeof r.rules === "string" ? JSON.parse(r.rules) : r.rules) as {
      max_server_per_host?: number;
    } | null;
    return {
      uuid: r.uuid,
      name: r.name,
      projectId: r.project_id,
      userId: r.user_id,
      policy: r.policy as ServerGroupPolicy,
      rules:
        rules?.max_server_per_host === undefined
          ? {}
          : { max_server_per_host: rules.max_server_per_host },
      members: members.get(r.id)!,
      createdAt: r.created_at.toISOString(),
    };
  });
}

export async function listServerGroups(
  sql: Sql,
  projectId: string | null,
  page: { limit: number; offset: number },
): Promise<ServerGroup[]> {
  const rows = await sql.$queryRaw<GroupRow[]>`
    SELECT ${COLUMNS} FROM server_groups g
     WHERE g.deleted = 0 ${projectId === null ? Prisma.empty : Prisma.sql`AND g.project_id = ${projectId}`}
     ORDER BY g.id LIMIT ${page.limit} OFFSET ${page.offset}`;
  return withMembers(sql, rows);
}

export async function getServerGroup(sql: Sql, uuid: string): Promise<ServerGroup | null> {
  const rows = await sql.$queryRaw<GroupRow[]>`
    SELECT ${COLUMNS} FROM server_groups g WHERE g.uuid = ${uuid} AND g.deleted = 0`;
  return rows[0] ? (await withMembers(sql, rows))[0]! : null;
}

export interface NewServerGroup {
  uuid: string;
  name: string;
  projectId: string;
  userId: string;
  policy: ServerGroupPolicy;
  rules: { max_server_per_host?: number | undefined };
}

export async function insertServerGroup(tx: Tx, g: NewServerGroup, now: Date): Promise<void> {
  await tx.$executeRaw`
    INSERT INTO server_groups (uuid, name, project_id, user_id, policy, rules, created_at, updated_at)
    VALUES (${g.uuid}, ${g.name}, ${g.projectId}, ${g.userId}, ${g.policy},
            ${JSON.stringify(g.rules)}, ${now}, ${now})`;
}

/** Soft-delete the group; its servers leave it (their membership rows go). */
export async function deleteServerGroup(tx: Tx, uuid: string, now: Date): Promise<boolean> {
  const rows = await tx.$queryRaw<{ id: number }[]>`
    SELECT id FROM server_groups WHERE uuid = ${uuid} AND deleted = 0 FOR UPDATE`;
  const id = rows[0]?.id;
  if (id === undefined) return false;
  await tx.$executeRaw`DELETE FROM server_group_members WHERE group_id = ${id}`;
  await tx.$executeRaw`
    UPDATE server_groups SET deleted = id, deleted_at = ${now}, updated_at = ${now} WHERE id = ${id}`;
  return true;
}
