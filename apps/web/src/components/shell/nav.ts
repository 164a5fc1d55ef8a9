// The sidebar's entries. A page is a route folder under app/(dashboard)/ plus an entry here; the
// Admin section is shown to administrators only.
import type { PolicyName } from "@nimbus/rpc/domain";
import { Server, ServerCog, type LucideIcon } from "lucide-react";

export interface NavItem {
  href: string;
  label: string;
  icon: LucideIcon;
  /** shown only when the session's policy allows it */
  policy?: PolicyName;
}

export const PROJECT_NAV: NavItem[] = [
  { href: "/project/instances", label: "Instances", icon: Server },
];

export const ADMIN_NAV: NavItem[] = [
  {
    href: "/admin/instances",
    label: "All instances",
    icon: ServerCog,
    policy: "servers:index:all_tenants",
  },
];
