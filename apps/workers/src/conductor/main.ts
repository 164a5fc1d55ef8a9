// The conductor process: `npx tsx apps/workers/src/conductor/main.ts`.
import { runWorker } from "../shared/worker";
import { loadConductorConfig } from "./config";
import { startConductor } from "./conductor";

await runWorker("conductor", loadConductorConfig(), (deps) => startConductor(deps));
