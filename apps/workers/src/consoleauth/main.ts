// The consoleauth process: npx tsx apps/workers/src/consoleauth/main.ts
import { runWorker } from "../shared/worker";
import { startConsoleauth } from "./consoleauth";
import { loadConsoleauthConfig } from "./config";

await runWorker("consoleauth", loadConsoleauthConfig(), startConsoleauth);
