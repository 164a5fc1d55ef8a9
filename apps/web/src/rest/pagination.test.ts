import { describe, expect, it } from "vitest";
import { HttpError } from "./errors";
import { MAX_LIMIT, nextLinks, parsePage } from "./pagination";

const q = (s: string) => new URLSearchParams(s);

describe("parsePage", () => {
  it("caps the limit at MAX_LIMIT and treats 0 or none as MAX_LIMIT", () => {
    expect(parsePage(q(""))).toEqual({ limit: MAX_LIMIT });
    expect(parsePage(q("limit=0"))).toEqual({ limit: MAX_LIMIT });
    expect(parsePage(q("limit=5000"))).toEqual({ limit: MAX_LIMIT });
    expect(parsePage(q("limit=2&marker=abc"))).toEqual({ limit: 2, marker: "abc" });
  });

  it.each(["-1", "x", "1.5", ""])("refuses limit=%s with 400", (limit) => {
    expect(() => parsePage(q(`limit=${limit}`))).toThrow(HttpError);
  });
});

describe("nextLinks", () => {
  const base = "http://h";

  it("points a full page at the next one, keeping the other parameters", () => {
    const links = nextLinks({
      base,
      collection: "servers/detail",
      query: q("status=ACTIVE&limit=2&marker=old"),
      page: { limit: 2, marker: "old" },
      ids: ["a", "b"],
    });
    expect(links).toEqual([
      { rel: "next", href: "http://h/compute/v2.1/servers/detail?limit=2&marker=b&status=ACTIVE" },
    ]);
  });

  it("gives no link for a short page", () => {
    expect(
      nextLinks({
        base,
        collection: "servers",
        query: q("limit=3"),
        page: { limit: 3 },
        ids: ["a"],
      }),
    ).toEqual([]);
    expect(
      nextLinks({ base, collection: "servers", query: q(""), page: { limit: 3 }, ids: [] }),
    ).toEqual([]);
  });
});
