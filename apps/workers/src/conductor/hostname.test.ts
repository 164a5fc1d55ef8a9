import { describe, expect, it } from "vitest";
import { displayNameFor, sanitizeHostname } from "./hostname";

const uuid = "0b4f0bd0-1111-4222-8333-444455556666";

describe("sanitizeHostname", () => {
  it("turns a display name into a DNS label", () => {
    expect(sanitizeHostname("My Web_Server.01", uuid)).toBe("my-web-server-01");
    expect(sanitizeHostname("--db--", uuid)).toBe("db");
    expect(sanitizeHostname("a".repeat(80), uuid)).toHaveLength(63);
  });

  it("drops characters outside Latin-1 and falls back to the uuid when nothing is left", () => {
    expect(sanitizeHostname("café☃", uuid)).toBe("café");
    expect(sanitizeHostname("☃☃", uuid)).toBe(`server-${uuid}`);
  });
});

describe("displayNameFor", () => {
  it("numbers servers of a multi-create from 1", () => {
    expect(displayNameFor("web", 0, 1)).toBe("web");
    expect(displayNameFor("web", 0, 3)).toBe("web-1");
    expect(displayNameFor("web", 2, 3)).toBe("web-3");
  });
});
