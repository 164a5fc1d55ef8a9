import { describe, expect, it } from "vitest";
import { allowed } from "./policy";

const admin = { roles: ["admin", "member", "reader"], projectId: "p-admin" };
const member = { roles: ["member", "reader"], projectId: "p1" };
const reader = { roles: ["reader"], projectId: "p1" };
const nobody = { roles: [], projectId: "p1" };

describe("allowed", () => {
  it("lets a member write and read in its own project only", () => {
    expect(allowed(member, "servers:create")).toBe(true);
    expect(allowed(member, "servers:stop", "p1")).toBe(true);
    expect(allowed(member, "servers:stop", "p2")).toBe(false);
    expect(allowed(member, "servers:show", "p2")).toBe(false);
  });

  it("lets a reader read but not write", () => {
    expect(allowed(reader, "servers:show", "p1")).toBe(true);
    expect(allowed(reader, "servers:create")).toBe(false);
    expect(allowed(reader, "servers:delete", "p1")).toBe(false);
    expect(allowed(reader, "keypairs:create")).toBe(false);
  });

  it("keeps admin APIs for the admin, who may act in any project", () => {
    expect(allowed(member, "hypervisors:read")).toBe(false);
    expect(allowed(member, "servers:index:all_tenants")).toBe(false);
    expect(allowed(admin, "hypervisors:read")).toBe(true);
    expect(allowed(admin, "servers:stop", "p1")).toBe(true);
  });

  it("gives a user without roles only what anyone may do", () => {
    expect(allowed(nobody, "flavors:index")).toBe(true);
    expect(allowed(nobody, "servers:index")).toBe(false);
  });
});
