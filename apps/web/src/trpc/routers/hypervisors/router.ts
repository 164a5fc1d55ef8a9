// The compute nodes with their capacity and usage, for the Hypervisors page (admins).
import { computeNodeSchema } from "@nimbus/rpc";
import { z } from "zod";
import { listHypervisors } from "../../../services/hosts";
import { adminProcedure, createTRPCRouter } from "../../trpc";

export const hypervisorsRouter = createTRPCRouter({
  list: adminProcedure
    .output(z.array(computeNodeSchema))
    .query(async ({ ctx }) =>
      (await listHypervisors(ctx.svc)).map(({ servers: _servers, ...node }) => node),
    ),
});
