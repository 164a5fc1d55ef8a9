// The compute process (one per hypervisor host): `npx tsx apps/workers/src/compute/main.ts`.
import { runWorker } from "../shared/worker";
import { loadComputeConfig } from "./config";
import { startCompute } from "./service";

await runWorker("compute", loadComputeConfig(), startCompute);
