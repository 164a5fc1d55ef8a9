// Re-pin every contract's fingerprint after a deliberate change (with its version bumped).
// Run: npm run pin-contracts -w @nimbus/rpc
import { writeFileSync } from "node:fs";
import { currentPins, pinsFile } from "../src/fingerprint.js";

writeFileSync(pinsFile, `${JSON.stringify(currentPins(), null, 2)}\n`);
console.log(`pinned ${Object.keys(currentPins()).length} contracts in ${pinsFile.pathname}`);
