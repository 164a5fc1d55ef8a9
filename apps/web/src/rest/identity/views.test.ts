import type { TokenData } from "@nimbus/rpc";
import { describe, expect, it } from "vitest";
import { assignmentView, keystoneTime, tokenView, userView } from "./views";

const BASE = "https://cloud.example";

const domainToken: TokenData = {
  user: { id: "u".repeat(32), name: "root", domainId: "default" },
  project: null,
  domain: { id: "default", name: "Default" },
  roles: [{ id: "a".repeat(32), name: "admin" }],
  methods: ["password"],
  auditId: "audit",
  issuedAt: "2026-11-21T08:00:00.123Z",
  expiresAt: "2026-11-21T09:00:00.123Z",
};

describe("Keystone views", () => {
  it("writes times with microseconds, as Keystone does", () => {
    expect(keystoneTime("2026-11-21T08:00:00.123Z")).toBe("2026-11-21T08:00:00.123000Z");
  });

  it("renders a domain-scoped token with its domain, roles and catalog, and no project", () => {
    const { token } = tokenView(domainToken, BASE, true);
    expect(token).toMatchObject({
      domain: { id: "default", name: "Default" },
      roles: [{ id: "a".repeat(32), name: "admin" }],
      audit_ids: ["audit"],
    });
    expect(token).not.toHaveProperty("project");
    expect(token.catalog).toHaveLength(3);
  });

  it("shows a user's default project and e-mail only when it has them", () => {
    const user = {
      id: "u".repeat(32),
      name: "alice",
      domainId: "default",
      enabled: true,
      defaultProjectId: null,
      email: null,
    };
    expect(userView(user, BASE)).not.toHaveProperty("default_project_id");
    expect(userView(user, BASE)).not.toHaveProperty("email");
    expect(userView({ ...user, email: "a@example.org" }, BASE).email).toBe("a@example.org");
    expect(userView(user, BASE).links.self).toBe(`${BASE}/identity/v3/users/${"u".repeat(32)}`);
  });

  it("renders an assignment with names only when asked, and its link either way", () => {
    const a = {
      user: { id: "u1", name: "alice", domainId: "default" },
      project: { id: "p1", name: "demo", domainId: "default" },
      role: { id: "r1", name: "member" },
    };
    expect(assignmentView(a, BASE, false)).toEqual({
      role: { id: "r1" },
      user: { id: "u1" },
      scope: { project: { id: "p1" } },
      links: { assignment: `${BASE}/identity/v3/projects/p1/users/u1/roles/r1` },
    });
    expect(assignmentView(a, BASE, true)).toMatchObject({
      role: { id: "r1", name: "member" },
      user: { id: "u1", name: "alice", domain: { id: "default", name: "Default" } },
      scope: { project: { id: "p1", name: "demo", domain: { id: "default", name: "Default" } } },
    });
  });
});
