import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { DashboardRoot } from "../../src/components/session/DashboardRoot";

// Matches SESSION_COOKIE (src/trpc/session-cookie.ts, server-only code). Without the cookie there
// is no session to check; with one, the first query checks it and an ended one goes to /login.
const SESSION_COOKIE = "nimbus_session";

export default async function DashboardLayout({ children }: { children: ReactNode }) {
  if (!(await cookies()).has(SESSION_COOKIE)) redirect("/login");
  return <DashboardRoot>{children}</DashboardRoot>;
}
