// The signed-in user's key pairs (key pairs belong to users, as in Nova).
import type { KeyPair } from "@nimbus/rpc";
import { z } from "zod";
import { createKeyPair, deleteKeyPair, listKeyPairs } from "../../../services/key-pairs";
import { createTRPCRouter, protectedProcedure } from "../../trpc";
import { keyPairNameSchema } from "./key-pairs.schema";

export const keyPairViewSchema = z.object({
  name: z.string(),
  type: z.string(),
  fingerprint: z.string(),
  createdAt: z.string(),
});

const view = (k: KeyPair) => ({
  name: k.name,
  type: k.type,
  fingerprint: k.fingerprint,
  createdAt: k.createdAt,
});

export const keyPairsRouter = createTRPCRouter({
  list: protectedProcedure
    .output(z.array(keyPairViewSchema))
    .query(async ({ ctx }) => (await listKeyPairs(ctx.svc)).map(view)),

  /** Without `publicKey` a pair is generated and its private key returned, this once only. */
  create: protectedProcedure
    .input(z.object({ name: keyPairNameSchema, publicKey: z.string().trim().min(1).optional() }))
    .output(keyPairViewSchema.extend({ privateKey: z.string().optional() }))
    .mutation(async ({ ctx, input }) => {
      const created = await createKeyPair(ctx.svc, {
        name: input.name,
        type: "ssh",
        ...(input.publicKey !== undefined && { publicKey: input.publicKey }),
      });
      return {
        ...view(created),
        ...(created.privateKey !== undefined && { privateKey: created.privateKey }),
      };
    }),

  delete: protectedProcedure
    .input(z.object({ name: z.string().min(1).max(255) }))
    .mutation(async ({ ctx, input }) => {
      await deleteKeyPair(ctx.svc, input.name);
    }),
});
