// /os-keypairs: list, show, import or generate, delete — per microversion as
// nova/api/openstack/compute/keypairs.py: `type` from 2.2 (and 201/204 instead of 200/202),
// another user's (admins) from 2.10, paging from 2.35, no generation and wider names from 2.92.
import type { KeyPair } from "@nimbus/rpc";
import { z } from "zod";
import { createKeyPair, deleteKeyPair, getKeyPair, listKeyPairs } from "../../services/key-pairs";
import type { RouteModule } from "../app";
import { parseBody } from "../body";
import type { ComputeEnv } from "../context";
import { baseUrl } from "../links";
import type { Microversion } from "../microversion";
import { nextLinks, parsePage } from "../pagination";
import { serviceContext } from "../service-context";
import { perfectTime } from "./format";
import { nameParam } from "./params";
import { queryParams } from "./query-params";

/** An index entry: name, public key, fingerprint (and type from 2.2). */
export function keyPairSummaryView(k: KeyPair, version: Microversion) {
  const view: Record<string, unknown> = {
    name: k.name,
    public_key: k.publicKey,
    fingerprint: k.fingerprint,
  };
  if (version.atLeast("2.2")) view.type = k.type;
  return view;
}

/** GET /os-keypairs/{name}: the summary plus the owner and the row's bookkeeping. */
export function keyPairView(k: KeyPair, version: Microversion) {
  return {
    ...keyPairSummaryView(k, version),
    user_id: k.userId,
    created_at: perfectTime(k.createdAt),
    deleted: false,
    deleted_at: null,
    id: k.id,
    updated_at: null,
  };
}

/** POST's answer: the summary, the owner, and the private key when it was generated. */
export function createdKeyPairView(k: KeyPair & { privateKey?: string }, version: Microversion) {
  return {
    ...keyPairSummaryView(k, version),
    user_id: k.userId,
    ...(k.privateKey !== undefined && { private_key: k.privateKey }),
  };
}

/** parameter_types.keypair_name_special_chars (and its 2.92 form, which adds `@` and `.`). */
const keyPairName = (version: Microversion) =>
  nameParam.regex(version.atLeast("2.92") ? /^[_\-@. a-zA-Z0-9]+$/ : /^[_\- a-zA-Z0-9]+$/, {
    error:
      "The name must be letters, digits, spaces, '_' and '-'" +
      (version.atLeast("2.92") ? ", '@' and '.'" : ""),
  });

export const createKeyPairSchema = (version: Microversion) =>
  z.strictObject({
    keypair: z.strictObject({
      name: keyPairName(version),
      public_key: version.atLeast("2.92") ? z.string() : z.string().optional(),
      ...(version.atLeast("2.2") && { type: z.enum(["ssh", "x509"]).optional() }),
      ...(version.atLeast("2.10") && { user_id: z.string().optional() }),
    }),
  });

/** ?user_id from 2.10 (other users' key pairs are for admins), limit/marker from 2.35. */
function userQuery(queries: Record<string, string[]>, version: Microversion, paged = false) {
  const known = [
    ...(version.atLeast("2.10") ? ["user_id"] : []),
    ...(paged && version.atLeast("2.35") ? ["limit", "marker"] : []),
  ];
  return queryParams(queries, known, version);
}

export const keypairs: RouteModule<ComputeEnv> = (r, deps) => {
  r.get("/os-keypairs", async (c) => {
    const version = c.var.microversion;
    const q = userQuery(c.req.queries(), version, true);
    const searchParams = new URL(c.req.url).searchParams;
    const page = version.atLeast("2.35") ? parsePage(searchParams) : undefined;
    const found = await listKeyPairs(serviceContext(c, deps), {
      ...(q.user_id !== undefined && { userId: q.user_id }),
      ...(page && { limit: page.limit }),
      ...(page?.marker !== undefined && { marker: page.marker }),
    });
    const body: Record<string, unknown> = {
      keypairs: found.map((k) => ({ keypair: keyPairSummaryView(k, version) })),
    };
    if (page) {
      const links = nextLinks({
        base: baseUrl(c),
        collection: "os-keypairs",
        query: searchParams,
        page,
        ids: found.map((k) => k.name),
      });
      if (links.length > 0) body.keypairs_links = links;
    }
    return c.json(body);
  });

  r.get("/os-keypairs/:name", async (c) => {
    const version = c.var.microversion;
    const q = userQuery(c.req.queries(), version);
    const keyPair = await getKeyPair(serviceContext(c, deps), c.req.param("name"), q.user_id);
    return c.json({ keypair: keyPairView(keyPair, version) });
  });

  r.post("/os-keypairs", async (c) => {
    const version = c.var.microversion;
    const { keypair: k } = await parseBody(c, createKeyPairSchema(version));
    const extra = k as { type?: "ssh" | "x509"; user_id?: string };
    const created = await createKeyPair(serviceContext(c, deps), {
      name: k.name,
      type: extra.type ?? "ssh",
      ...(k.public_key !== undefined && { publicKey: k.public_key }),
      ...(extra.user_id !== undefined && { userId: extra.user_id }),
    });
    return c.json(
      { keypair: createdKeyPairView(created, version) },
      version.atLeast("2.2") ? 201 : 200,
    );
  });

  r.delete("/os-keypairs/:name", async (c) => {
    const version = c.var.microversion;
    const q = userQuery(c.req.queries(), version);
    await deleteKeyPair(serviceContext(c, deps), c.req.param("name"), q.user_id);
    return c.body(null, version.atLeast("2.2") ? 204 : 202);
  });
};
