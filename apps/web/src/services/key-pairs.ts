// Key pairs belong to users: the caller's own, or (admins, API ≥ 2.10) another user's. Imported
// keys are checked and fingerprinted here; generated ones are made here and their private key
// returned once, never stored.
import {
  createKeyPair as createKeyPairContract,
  deleteKeyPair as deleteKeyPairContract,
  getKeyPair as getKeyPairContract,
  listKeyPairs as listKeyPairsContract,
  RpcError,
  type KeyPair,
} from "@nimbus/rpc";
import { authorize, busContext, type ServiceContext } from "./context";
import { generateSshKeyPair, sshFingerprint, x509Fingerprint } from "./key-material";

/** The owner a request is about: the caller, unless an admin names another user. */
function ownerOf(ctx: ServiceContext, userId: string | undefined): string {
  if (userId === undefined || userId === ctx.userId) return ctx.userId;
  authorize(ctx, "keypairs:other_user");
  return userId;
}

const notFound = (name: string, userId: string) =>
  new RpcError("not_found", `Keypair ${name} not found for user ${userId}`);

/** Names and user ids longer than their columns cannot exist: not found rather than invalid. */
const tooLong = (name: string, userId: string) => name.length > 255 || userId.length > 32;

export async function listKeyPairs(
  ctx: ServiceContext,
  input: { userId?: string; limit?: number; marker?: string } = {},
): Promise<KeyPair[]> {
  authorize(ctx, "keypairs:index");
  const userId = ownerOf(ctx, input.userId);
  if (userId.length > 32) return [];
  if (input.marker !== undefined && input.marker.length > 255) {
    throw new RpcError("invalid", `Marker ${input.marker} could not be found.`);
  }
  const { keyPairs } = await ctx.bus.call(
    listKeyPairsContract,
    {
      userId,
      ...(input.limit !== undefined && { limit: input.limit }),
      ...(input.marker !== undefined && { marker: input.marker }),
    },
    { ctx: busContext(ctx) },
  );
  return keyPairs;
}

export async function getKeyPair(
  ctx: ServiceContext,
  name: string,
  forUser?: string,
): Promise<KeyPair> {
  authorize(ctx, "keypairs:show");
  const userId = ownerOf(ctx, forUser);
  if (tooLong(name, userId)) throw notFound(name, userId);
  return ctx.bus.call(getKeyPairContract, { userId, name }, { ctx: busContext(ctx) });
}

export interface NewKeyPair {
  name: string;
  type: "ssh" | "x509";
  /** absent: generate a pair (ssh only) */
  publicKey?: string;
  userId?: string;
}

/** The key pair, with the private key when it was generated here. */
export async function createKeyPair(
  ctx: ServiceContext,
  input: NewKeyPair,
): Promise<KeyPair & { privateKey?: string }> {
  authorize(ctx, "keypairs:create");
  const userId = ownerOf(ctx, input.userId);
  if (userId.length > 32) throw new RpcError("invalid", `User ${userId} could not be found.`);
  let material: { publicKey: string; fingerprint: string; privateKey?: string };
  if (input.publicKey === undefined) {
    if (input.type === "x509") {
      // Nova makes a WinRM certificate here; node:crypto cannot issue certificates.
      throw new RpcError(
        "invalid",
        "Generating x509 key pairs is not supported: import a certificate as public_key.",
      );
    }
    material = await generateSshKeyPair();
  } else if (input.type === "ssh") {
    const fingerprint = sshFingerprint(input.publicKey);
    if (!fingerprint) {
      throw new RpcError("invalid", "Keypair data is invalid: failed to generate fingerprint");
    }
    material = { publicKey: input.publicKey, fingerprint };
  } else {
    try {
      material = { publicKey: input.publicKey, fingerprint: x509Fingerprint(input.publicKey) };
    } catch (err) {
      throw new RpcError(
        "invalid",
        `Keypair data is invalid: failed to generate X509 fingerprint. Error message: ${(err as Error).message}`,
      );
    }
  }
  const keyPair = await ctx.bus.call(
    createKeyPairContract,
    {
      userId,
      projectId: ctx.projectId,
      name: input.name,
      type: input.type,
      publicKey: material.publicKey,
      fingerprint: material.fingerprint,
    },
    { ctx: busContext(ctx) },
  );
  ctx.log.info(
    { name: keyPair.name, userId, generated: material.privateKey !== undefined },
    "key pair created",
  );
  return material.privateKey === undefined
    ? keyPair
    : { ...keyPair, privateKey: material.privateKey };
}

export async function deleteKeyPair(
  ctx: ServiceContext,
  name: string,
  forUser?: string,
): Promise<void> {
  authorize(ctx, "keypairs:delete");
  const userId = ownerOf(ctx, forUser);
  if (tooLong(name, userId)) throw notFound(name, userId);
  await ctx.bus.call(deleteKeyPairContract, { userId, name }, { ctx: busContext(ctx) });
  ctx.log.info({ name, userId }, "key pair deleted");
}
