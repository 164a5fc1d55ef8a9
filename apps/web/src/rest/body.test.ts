import { describe, expect, it } from "vitest";
import { z } from "zod";
import { describeIssue, parseBody, parseQuery, readJsonObject, validateBody } from "./body";
import { HttpError } from "./errors";

function requestWith(text: string, contentType?: string) {
  return {
    req: {
      header: (n: string) => (n === "content-type" ? contentType : undefined),
      text: async () => text,
    },
  };
}

async function httpError(p: Promise<unknown> | (() => unknown)): Promise<HttpError> {
  try {
    await (typeof p === "function" ? p() : p);
  } catch (err) {
    if (err instanceof HttpError) return err;
    throw err;
  }
  throw new Error("expected an HttpError");
}

const server = z.object({
  server: z.strictObject({
    name: z.string().min(1).max(255),
    flavorRef: z.string(),
    min_count: z.number().int().min(1).optional(),
  }),
});

describe("readJsonObject", () => {
  it("reads an object, and an empty body as {}", async () => {
    expect(await readJsonObject(requestWith('{"a":1}', "application/json"))).toEqual({ a: 1 });
    expect(await readJsonObject(requestWith("  "))).toEqual({});
  });

  it.each(["{not json", "[1,2]", "null", "42", '"s"'])(
    "refuses %s as a malformed body",
    async (text) => {
      const err = await httpError(readJsonObject(requestWith(text, "application/json")));
      expect([err.status, err.message]).toEqual([400, "Malformed request body"]);
    },
  );

  it("accepts JSON sent without a type or as text/plain, refuses other types with 415", async () => {
    expect(await readJsonObject(requestWith("{}", "text/plain; charset=utf-8"))).toEqual({});
    expect(await readJsonObject(requestWith("{}", "application/json; charset=UTF-8"))).toEqual({});
    expect((await httpError(readJsonObject(requestWith("{}", "application/xml")))).status).toBe(
      415,
    );
  });
});

describe("validateBody", () => {
  it("returns the parsed body", () => {
    expect(validateBody(server, { server: { name: "vm", flavorRef: "1" } })).toEqual({
      server: { name: "vm", flavorRef: "1" },
    });
  });

  it("names the field and its value like Nova", async () => {
    const err = await httpError(() =>
      validateBody(server, { server: { name: "", flavorRef: "1" } }),
    );
    expect(err.status).toBe(400);
    expect(err.message).toMatch(/^Invalid input for field\/attribute name\. Value: \. /);
    const count = await httpError(() =>
      validateBody(server, { server: { name: "a", flavorRef: "1", min_count: 0 } }),
    );
    expect(count.message).toMatch(/^Invalid input for field\/attribute min_count\. Value: 0\. /);
  });

  it("reports a missing key on its parent, as jsonschema's 'is a required property'", async () => {
    const err = await httpError(() => validateBody(server, { server: { name: "vm" } }));
    expect(err.message).toBe(
      `Invalid input for field/attribute server. Value: {"name":"vm"}. 'flavorRef' is a required property`,
    );
    const top = await httpError(() => validateBody(server, {}));
    expect(top.message).toBe("'server' is a required property");
  });

  it("reports unknown keys as additional properties", async () => {
    const err = await httpError(() =>
      validateBody(server, { server: { name: "vm", flavorRef: "1", bogus: 1 } }),
    );
    expect(err.message).toMatch(
      /Additional properties are not allowed \('bogus' was unexpected\)$/,
    );
  });
});

describe("parseBody and parseQuery", () => {
  it("validate through the same helper", async () => {
    await expect(
      parseBody(requestWith('{"server":{"name":"a","flavorRef":"1"}}'), server),
    ).resolves.toBeTruthy();
    const schema = z.object({
      limit: z.string().regex(/^\d+$/).optional(),
      status: z.union([z.string(), z.array(z.string())]).optional(),
    });
    const c = { req: { queries: () => ({ limit: ["x"], status: ["ACTIVE", "ERROR"] }) } };
    const err = await httpError(() => parseQuery(c, schema));
    expect(err.message).toMatch(/^Invalid input for query parameters limit\. Value: x\. /);
    const ok = { req: { queries: () => ({ limit: ["5"], status: ["ACTIVE", "ERROR"] }) } };
    expect(parseQuery(ok, schema)).toEqual({ limit: "5", status: ["ACTIVE", "ERROR"] });
  });

  it("falls back to the bare message when an issue has no path", () => {
    expect(describeIssue([], {}, "field/attribute")).toBe("Invalid input.");
  });
});
