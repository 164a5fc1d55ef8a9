// One request id per HTTP request, in OpenStack's `req-<uuid>` form, shared by the request log line,
// the REST response headers and the bus messages the request turns into.
import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";

const REQUEST_ID = /^req-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function newRequestId(): string {
  return `req-${randomUUID()}`;
}

/** A caller may choose the id (to correlate its own logs) only if it is well formed; else we make one. */
export function acceptRequestId(inbound: string | null | undefined): string {
  return inbound && REQUEST_ID.test(inbound) ? inbound : newRequestId();
}

const ids = new WeakMap<IncomingMessage, string>();

/** The id of a request that reached the Node server (assigned on first use). */
export function requestIdOf(req: IncomingMessage): string {
  let id = ids.get(req);
  if (!id) {
    const header = req.headers["x-openstack-request-id"];
    id = acceptRequestId(Array.isArray(header) ? header[0] : header);
    ids.set(req, id);
  }
  return id;
}
