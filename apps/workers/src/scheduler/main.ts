// The scheduler process: npx tsx apps/workers/src/scheduler/main.ts
import { runWorker } from "../shared/worker";
import { loadConfig } from "./config";
import { startScheduler } from "./scheduler";

await runWorker("scheduler", loadConfig(), startScheduler);
