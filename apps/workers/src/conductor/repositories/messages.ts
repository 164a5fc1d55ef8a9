// Message ids a handler has acted on (processed_messages), so a call or cast run twice — after a
// consumer crash, or a sender's retry — acts once.
import { isUniqueViolation, type Sql, type Tx } from "./db";

/** Remember `messageId` in this transaction; false if it was remembered before (a replay). */
export async function rememberMessage(tx: Tx, messageId: string, now: Date): Promise<boolean> {
  try {
    await tx.$executeRaw`
      INSERT INTO processed_messages (message_id, handled_at) VALUES (${messageId}, ${now})`;
    return true;
  } catch (err) {
    if (isUniqueViolation(err)) return false;
    throw err;
  }
}

export async function purgeMessages(sql: Sql, before: Date): Promise<number> {
  return sql.$executeRaw`DELETE FROM processed_messages WHERE handled_at < ${before}`;
}
