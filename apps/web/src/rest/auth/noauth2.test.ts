import { describe, expect, it } from "vitest";
import { noauth2 } from "./noauth2";

describe("noauth2", () => {
  const auth = noauth2();

  it("reads user:project from the token", async () => {
    expect(await auth.authenticate("alice:proj1")).toEqual({
      userId: "alice",
      projectId: "proj1",
      roles: ["member", "reader"],
      isAdmin: false,
    });
  });

  it("uses the user as the project when none is given", async () => {
    expect(await auth.authenticate("bob")).toMatchObject({ userId: "bob", projectId: "bob" });
    expect(await auth.authenticate("bob:")).toMatchObject({ userId: "bob", projectId: "bob" });
  });

  it("makes only the user named admin an administrator, whatever the project", async () => {
    expect(await auth.authenticate("admin:demo")).toMatchObject({
      isAdmin: true,
      projectId: "demo",
    });
    expect((await auth.authenticate("admin"))?.roles).toContain("admin");
    expect(await auth.authenticate("administrator:admin")).toMatchObject({ isAdmin: false });
  });

  it("refuses a token with no user", async () => {
    expect(await auth.authenticate(":proj")).toBeNull();
  });
});
