import { describe, expect, it } from "vitest";
import { createLogger } from "./log.js";

describe("createLogger", () => {
  it("writes JSON lines with the service and host on each", () => {
    const lines: Record<string, unknown>[] = [];
    const logger = createLogger("conductor", "info", {
      host: "node1",
      destination: { write: (s: string) => void lines.push(JSON.parse(s)) },
    });
    logger.child({ requestId: "req-1" }).info("hello");
    logger.debug("below the level");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      service: "conductor",
      host: "node1",
      requestId: "req-1",
      msg: "hello",
    });
    expect(typeof lines[0]!.time).toBe("string");
  });
});
