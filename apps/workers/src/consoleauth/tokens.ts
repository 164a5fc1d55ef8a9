// Console tokens: 32 random bytes, URL-safe; only their SHA-256 is ever stored.
import { createHash, randomBytes } from "node:crypto";

export const newToken = (): string => randomBytes(32).toString("base64url");

export const hashToken = (token: string): string =>
  createHash("sha256").update(token, "utf8").digest("hex");
