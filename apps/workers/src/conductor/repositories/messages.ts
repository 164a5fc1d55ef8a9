// Message ids a handler has acted on (processed_messages), so a call or cast run twice — after a
// consumer crash, or a sender's retry — acts once.
import { isUniqueViolation, Prisma, type Sql, type Tx } from "./db";

/** The statement that remembers `messageId`; a unique violation means it was remembered before. */
export const rememberMessageSql = (messageId: string, now: Date) =>
  Prisma.sql`INSERT INTO processed_messages (message_id, handled_at) VALUES (${messageId}, ${now})`;

/** Remember `messageId` in this transaction; false if it was remembered before (a replay). */
export async function rememberMessage(tx: Tx, messageId: string, now: Date): Promise<boolean> {
  try {
    await tx.$executeRaw(rememberMessageSql(messageId, now));
    return true;
  } catch (err) {
    if (isUniqueViolation(err)) return false;
    throw err;
  }
}

/**
 * After a batch that began with rememberMessageSql failed on a unique key: whether the duplicate was
 * the message id (a replay) rather than a key of another statement of the batch. (Asking the table
 * would not tell: inside the transaction it also sees the batch's own, uncommitted row.)
 */
export function isReplay(err: unknown, messageId: string): boolean {
  return isUniqueViolation(err) && err instanceof Error && err.message.includes(`'${messageId}'`);
}

export async function purgeMessages(sql: Sql, before: Date): Promise<number> {
  return sql.$executeRaw`DELETE FROM processed_messages WHERE handled_at < ${before}`;
}
