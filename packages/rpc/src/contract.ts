// Message contracts: one per message, shared by the sender and the receiver. A contract names the
// message, carries its version (major.minor) and the zod schemas of what travels on the wire.
import type { z } from "zod";

export type Version = `${number}.${number}`;

interface ContractBase {
  readonly version: Version;
}

/** A request that waits for a reply (oslo.messaging's `call`). */
export interface CallContract<
  Req extends z.ZodType = z.ZodType,
  Rep extends z.ZodType = z.ZodType,
> extends ContractBase {
  readonly kind: "call";
  readonly service: string;
  readonly name: string;
  /** `service.name`, the message's type on the wire. */
  readonly key: string;
  readonly request: Req;
  readonly reply: Rep;
}

/** A one-way message to a service (`cast`), also sent to every instance with `fanout`. */
export interface CastContract<Req extends z.ZodType = z.ZodType> extends ContractBase {
  readonly kind: "cast";
  readonly service: string;
  readonly name: string;
  readonly key: string;
  readonly request: Req;
}

/** A versioned event on the notifications exchange, e.g. `instance.update`. */
export interface NotificationContract<
  E extends string = string,
  P extends z.ZodType = z.ZodType,
> extends ContractBase {
  readonly kind: "notification";
  readonly event: E;
  readonly payload: P;
}

export type Contract = CallContract | CastContract | NotificationContract;

const serviceName = /^[a-z][a-z0-9-]*$/;
const messageName = /^[a-z][a-z0-9_]*$/;
const eventName = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;
const versionFormat = /^(0|[1-9]\d*)\.(0|[1-9]\d*)$/;

function check(what: string, value: string, pattern: RegExp): void {
  if (!pattern.test(value)) throw new Error(`invalid ${what} ${JSON.stringify(value)}`);
}

export function defineCall<Req extends z.ZodType, Rep extends z.ZodType>(def: {
  service: string;
  name: string;
  version: Version;
  request: Req;
  reply: Rep;
}): CallContract<Req, Rep> {
  check("service", def.service, serviceName);
  check("message name", def.name, messageName);
  check("version", def.version, versionFormat);
  return Object.freeze({ kind: "call", key: `${def.service}.${def.name}`, ...def });
}

export function defineCast<Req extends z.ZodType>(def: {
  service: string;
  name: string;
  version: Version;
  request: Req;
}): CastContract<Req> {
  check("service", def.service, serviceName);
  check("message name", def.name, messageName);
  check("version", def.version, versionFormat);
  return Object.freeze({ kind: "cast", key: `${def.service}.${def.name}`, ...def });
}

export function defineNotification<const E extends string, P extends z.ZodType>(def: {
  event: E;
  version: Version;
  payload: P;
}): NotificationContract<E, P> {
  check("event type", def.event, eventName);
  check("version", def.version, versionFormat);
  return Object.freeze({ kind: "notification", ...def });
}

/** The name a contract is registered and pinned under. */
export function contractKey(contract: Contract): string {
  return contract.kind === "notification" ? contract.event : contract.key;
}

export function parseVersion(version: string): { major: number; minor: number } | undefined {
  const m = versionFormat.exec(version);
  return m ? { major: Number(m[1]), minor: Number(m[2]) } : undefined;
}

/**
 * Whether a receiver at version `mine` understands a message sent at version `theirs`: the same
 * major and a minor no newer than its own (minor versions only add optional fields).
 */
export function accepts(mine: Version, theirs: string): boolean {
  const a = parseVersion(mine);
  const b = parseVersion(theirs);
  return !!a && !!b && a.major === b.major && b.minor <= a.minor;
}
