import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { contractKey, parseVersion } from "./contract.js";
import { contracts } from "./contracts.js";
import { currentPins, type Pin } from "./fingerprint.js";

const pinned = JSON.parse(
  readFileSync(new URL("./contract-fingerprints.json", import.meta.url), "utf8"),
) as Record<string, Pin>;
const now = currentPins();
const repin = "then run `npm run pin-contracts -w @nimbus/rpc` and commit the file";

describe("contract registry", () => {
  it("has one contract per key", () => {
    const keys = contracts.map(contractKey);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("pins every contract and nothing else", () => {
    expect(Object.keys(pinned).sort(), `new or removed contracts: ${repin}`).toEqual(
      Object.keys(now).sort(),
    );
  });

  it.each(Object.entries(now))("pins %s at its current shape and version", (key, current) => {
    const pin = pinned[key];
    expect(pin, `${key} is not pinned: ${repin}`).toBeDefined();
    if (pin!.version === current.version) {
      expect(
        current.fingerprint,
        `${key} changed shape but is still at version ${current.version}: bump its version ` +
          `(minor for an added optional field, major otherwise), add a line to its history, ${repin}`,
      ).toBe(pin!.fingerprint);
    } else {
      const [was, is] = [parseVersion(pin!.version)!, parseVersion(current.version)!];
      const forward = is.major > was.major || (is.major === was.major && is.minor > was.minor);
      expect(forward, `${key} went from ${pin!.version} back to ${current.version}`).toBe(true);
      expect.fail(`${key} is at ${current.version} but pinned at ${pin!.version}: ${repin}`);
    }
  });
});
