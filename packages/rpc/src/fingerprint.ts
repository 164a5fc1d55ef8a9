// A contract's fingerprint: a hash of the JSON Schema of what it puts on the wire. Pinned per
// version in contract-fingerprints.json, so a shape change without a version bump fails a test.
import { createHash } from "node:crypto";
import { z } from "zod";
import { contractKey, type Contract } from "./contract.js";
import { contracts } from "./contracts.js";

export interface Pin {
  version: string;
  fingerprint: string;
}

export function wireSchema(contract: Contract): unknown {
  // toJSONSchema throws on transforms, dates and the like: contracts describe plain JSON only.
  const schema = (s: z.ZodType) => z.toJSONSchema(s);
  return contract.kind === "call"
    ? { request: schema(contract.request), reply: schema(contract.reply) }
    : contract.kind === "cast"
      ? { request: schema(contract.request) }
      : { payload: schema(contract.payload) };
}

export function fingerprint(contract: Contract): string {
  const canonical = JSON.stringify({ kind: contract.kind, schema: wireSchema(contract) });
  return createHash("sha256").update(canonical).digest("hex").slice(0, 16);
}

/** The pins for every registered contract as they are now, sorted by key. */
export function currentPins(): Record<string, Pin> {
  const pins = contracts
    .map((c) => [contractKey(c), { version: c.version, fingerprint: fingerprint(c) }] as const)
    .sort(([a], [b]) => a.localeCompare(b));
  return Object.fromEntries(pins);
}

export const pinsFile = new URL("./contract-fingerprints.json", import.meta.url);
