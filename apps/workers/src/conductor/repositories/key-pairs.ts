// Key pairs: per user, unique by name among live ones (soft-deleted like Nova's).
import { createHash } from "node:crypto";
import type { KeyPair } from "@nimbus/rpc";
import { isUniqueViolation, Prisma, type Sql, type Tx } from "./db";

interface KeyPairRow {
  id: number;
  name: string;
  user_id: string;
  project_id: string | null;
  fingerprint: string;
  public_key: string;
  type: string;
  created_at: Date;
}

const COLUMNS = Prisma.sql`id, name, user_id, project_id, fingerprint, public_key, type, created_at`;

const toKeyPair = (r: KeyPairRow): KeyPair => ({
  id: r.id,
  name: r.name,
  userId: r.user_id,
  projectId: r.project_id,
  fingerprint: r.fingerprint,
  publicKey: r.public_key,
  type: r.type === "x509" ? "x509" : "ssh",
  createdAt: r.created_at.toISOString(),
});

/** By name, as Nova pages them; "marker" when the marker names none of the user's key pairs. */
export async function listKeyPairs(
  sql: Sql,
  userId: string,
  page: { limit?: number | undefined; marker?: string | undefined },
): Promise<KeyPair[] | "marker"> {
  let after = Prisma.empty;
  if (page.marker !== undefined) {
    const marker = await getKeyPair(sql, userId, page.marker);
    if (!marker) return "marker";
    after = Prisma.sql`AND (name > ${marker.name} OR (name = ${marker.name} AND id > ${marker.id}))`;
  }
  const rows = await sql.$queryRaw<KeyPairRow[]>`
    SELECT ${COLUMNS} FROM key_pairs WHERE user_id = ${userId} AND deleted = 0 ${after}
     ORDER BY name, id ${page.limit === undefined ? Prisma.empty : Prisma.sql`LIMIT ${page.limit}`}`;
  return rows.map(toKeyPair);
}

export async function getKeyPair(sql: Sql, userId: string, name: string): Promise<KeyPair | null> {
  const rows = await sql.$queryRaw<KeyPairRow[]>`
    SELECT ${COLUMNS} FROM key_pairs WHERE user_id = ${userId} AND name = ${name} AND deleted = 0`;
  return rows[0] ? toKeyPair(rows[0]) : null;
}

export async function countKeyPairs(tx: Tx, userId: string): Promise<number> {
  const [row] = await tx.$queryRaw<{ n: bigint }[]>`
    SELECT COUNT(*) AS n FROM key_pairs WHERE user_id = ${userId} AND deleted = 0`;
  return Number(row?.n ?? 0);
}

/**
 * Serialize the key pair quota checks of one user. Key pairs are counted per user, so the lock is a
 * row of project_quota_locks named after the user: "u" and 31 hex digits of its sha256 (a Keystone
 * project id is 32 hex digits, so the two can never name the same row).
 */
export async function lockUserQuota(tx: Tx, userId: string, now: Date): Promise<void> {
  const key = `u${createHash("sha256").update(userId).digest("hex").slice(0, 31)}`;
  await tx.$executeRaw`
    INSERT INTO project_quota_locks (project_id, created_at) VALUES (${key}, ${now})
    ON DUPLICATE KEY UPDATE project_id = project_id`;
}

export interface NewKeyPair {
  userId: string;
  projectId: string;
  name: string;
  type: "ssh" | "x509";
  publicKey: string;
  fingerprint: string;
}

/** The new key pair, or null when the user already has one of that name. */
export async function insertKeyPair(tx: Tx, k: NewKeyPair, now: Date): Promise<KeyPair | null> {
  try {
    await tx.$executeRaw`
      INSERT INTO key_pairs (name, user_id, project_id, fingerprint, public_key, type, created_at)
      VALUES (${k.name}, ${k.userId}, ${k.projectId}, ${k.fingerprint}, ${k.publicKey}, ${k.type}, ${now})`;
  } catch (err) {
    if (isUniqueViolation(err)) return null;
    throw err;
  }
  return getKeyPair(tx, k.userId, k.name);
}

export async function deleteKeyPair(
  sql: Sql,
  userId: string,
  name: string,
  now: Date,
): Promise<boolean> {
  const n = await sql.$executeRaw`
    UPDATE key_pairs SET deleted = id, deleted_at = ${now}
     WHERE user_id = ${userId} AND name = ${name} AND deleted = 0`;
  return n === 1;
}
