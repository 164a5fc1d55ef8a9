// The signed-in user's key pairs (key pairs belong to users, as in Nova).
import { z } from "zod";
import { listKeyPairs } from "../../../services/key-pairs";
import { createTRPCRouter, protectedProcedure } from "../../trpc";

export const keyPairViewSchema = z.object({
  name: z.string(),
  type: z.string(),
  fingerprint: z.string(),
  createdAt: z.string(),
});

export const keyPairsRouter = createTRPCRouter({
  list: protectedProcedure.output(z.array(keyPairViewSchema)).query(async ({ ctx }) =>
    (await listKeyPairs(ctx.svc)).map((k) => ({
      name: k.name,
      type: k.type,
      fingerprint: k.fingerprint,
      createdAt: k.createdAt,
    })),
  ),
});
