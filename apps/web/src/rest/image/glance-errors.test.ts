// Glance answers errors as webob does: the body's type follows the request's Accept header.
import { describe, expect, it } from "vitest";
import { glanceErrorResponse, HttpError, preferredErrorType } from "../errors";

describe("Glance's error bodies", () => {
  it("picks HTML for */* and text/html, JSON when it is preferred, else neither", () => {
    expect(preferredErrorType("*/*")).toBe("text/html");
    expect(preferredErrorType("text/html,application/json")).toBe("text/html");
    expect(preferredErrorType("application/json")).toBe("application/json");
    expect(preferredErrorType("application/json, */*;q=0.5")).toBe("application/json");
    expect(preferredErrorType("text/*;q=0.2, application/*")).toBe("application/json");
    expect(preferredErrorType("text/html;q=0, */*")).toBe("application/json");
    expect(preferredErrorType(undefined)).toBeNull();
    expect(preferredErrorType("")).toBeNull();
    expect(preferredErrorType("application/octet-stream")).toBeNull();
  });

  it("renders webob's three shapes, escaping the message in HTML", () => {
    const err = HttpError.notFound("No image found with ID <x>");
    const html = glanceErrorResponse(err, "*/*");
    expect(html.contentType).toMatch(/^text\/html/);
    expect(html.body).toBe(
      "<html>\n <head>\n  <title>404 Not Found</title>\n </head>\n <body>\n  <h1>404 Not Found</h1>\n" +
        "  No image found with ID &lt;x&gt;<br /><br />\n\n\n\n </body>\n</html>",
    );
    expect(JSON.parse(glanceErrorResponse(err, "application/json").body)).toEqual({
      code: "404 Not Found",
      title: "Not Found",
      message: "No image found with ID <x>",
    });
    expect(glanceErrorResponse(err, "application/octet-stream")).toEqual({
      contentType: "text/plain; charset=UTF-8",
      body: "404 Not Found\n\nNo image found with ID <x>\n\n",
    });
    // No preference at all (openstacksdk's uploads and PATCHes send an empty Accept): JSON.
    for (const none of [undefined, "", " "]) {
      expect(glanceErrorResponse(err, none).contentType).toBe("application/json");
    }
  });
});
