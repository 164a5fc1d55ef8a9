// Console tokens (console_auth_tokens): only the SHA-256 of each token is stored, with the display
// it opens and until when. Tokens go with their instance (deletes.ts) and when they expire
// (periodic/index.ts).
import type { ConsoleTokenFields, ConsoleTokenRecord } from "@nimbus/rpc";
import type { PowerStateValue, TaskState, VmState } from "@nimbus/rpc/domain";
import { isUniqueViolation, type Sql, type Tx } from "./db";

/** Store a token for a live instance; false when the instance does not exist or is deleted. */
export async function insertToken(sql: Sql, t: ConsoleTokenFields, now: Date): Promise<boolean> {
  // INSERT … SELECT share-locks the instance row, so a delete (which locks it FOR UPDATE, then
  // removes the instance's tokens) runs either wholly before this or wholly after it.
  let n: number;
  try {
    n = await sql.$executeRaw`
    INSERT INTO console_auth_tokens
      (token_hash, console_type, host, port, instance_uuid, compute_host, user_id, project_id,
       expires_at, created_at)
    SELECT ${t.tokenHash}, ${t.consoleType}, ${t.host}, ${t.port}, i.uuid, ${t.computeHost},
           ${t.userId}, ${t.projectId}, ${new Date(t.expiresAt)}, ${now}
      FROM instances i WHERE i.uuid = ${t.instanceUuid} AND i.deleted = 0`;
  } catch (err) {
    // The same hash is the same token: a call run twice stores it once.
    if (isUniqueViolation(err)) return true;
    throw err;
  }
  return n === 1;
}

interface TokenRow {
  console_type: string;
  host: string;
  port: number;
  instance_uuid: string;
  compute_host: string;
  user_id: string | null;
  project_id: string | null;
  expires_at: Date;
  vm_state: string;
  task_state: string | null;
  power_state: number;
  instance_host: string | null;
  deleted: number | bigint;
}

/** A token's record by its hash, with its instance as it is now. */
export async function findToken(sql: Sql, tokenHash: string): Promise<ConsoleTokenRecord | null> {
  const rows = await sql.$queryRaw<TokenRow[]>`
    SELECT t.console_type, t.host, t.port, t.instance_uuid, t.compute_host, t.user_id,
           t.project_id, t.expires_at, i.vm_state, i.task_state, i.power_state, i.host AS instance_host,
           i.deleted
      FROM console_auth_tokens t JOIN instances i ON i.uuid = t.instance_uuid
     WHERE t.token_hash = ${tokenHash}`;
  const row = rows[0];
  if (!row) return null;
  return {
    consoleType: row.console_type as ConsoleTokenRecord["consoleType"],
    host: row.host,
    port: row.port,
    instanceUuid: row.instance_uuid,
    computeHost: row.compute_host,
    userId: row.user_id,
    projectId: row.project_id,
    expiresAt: row.expires_at.toISOString(),
    instance: {
      vmState: row.vm_state as VmState,
      taskState: row.task_state as TaskState | null,
      powerState: row.power_state as PowerStateValue,
      host: row.instance_host,
      deleted: Number(row.deleted) !== 0,
    },
  };
}

/** Nova's clean_console_auths_for_instance: a deleted instance's tokens go with it. */
export async function deleteInstanceTokens(tx: Tx, instanceUuid: string): Promise<number> {
  return tx.$executeRaw`DELETE FROM console_auth_tokens WHERE instance_uuid = ${instanceUuid}`;
}

export async function purgeExpiredTokens(sql: Sql, now: Date): Promise<number> {
  return sql.$executeRaw`DELETE FROM console_auth_tokens WHERE expires_at < ${now}`;
}
