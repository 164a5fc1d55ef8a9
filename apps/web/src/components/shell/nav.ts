// The sidebar's entries. A page is a route folder under app/(dashboard)/ plus an entry here; the
// Admin section is shown to administrators only.
import type { PolicyName } from "@nimbus/rpc/domain";
import {
  Activity,
  Cpu,
  Disc3,
  FolderKanban,
  Gauge,
  HardDrive,
  KeyRound,
  LayoutDashboard,
  Server,
  ServerCog,
  SlidersHorizontal,
  UserRound,
  Workflow,
  type LucideIcon,
} from "lucide-react";

export interface NavItem {
  href: string;
  label: string;
  icon: LucideIcon;
  /** shown only when the session's policy allows it */
  policy?: PolicyName;
}

export const PROJECT_NAV: NavItem[] = [
  { href: "/project/overview", label: "Overview", icon: LayoutDashboard },
  { href: "/project/instances", label: "Instances", icon: Server },
  { href: "/project/images", label: "Images", icon: Disc3 },
  { href: "/project/key-pairs", label: "Key pairs", icon: KeyRound, policy: "keypairs:index" },
];

export const ADMIN_NAV: NavItem[] = [
  {
    href: "/admin/instances",
    label: "All instances",
    icon: ServerCog,
    policy: "servers:index:all_tenants",
  },
  { href: "/admin/hypervisors", label: "Hypervisors", icon: HardDrive, policy: "hypervisors:read" },
  { href: "/admin/services", label: "Compute services", icon: Workflow, policy: "services:read" },
  { href: "/admin/flavors", label: "Flavors", icon: Cpu, policy: "flavors:create" },
  {
    href: "/admin/defaults",
    label: "Default quotas",
    icon: SlidersHorizontal,
    policy: "quota_classes:show",
  },
  { href: "/admin/quotas", label: "Project quotas", icon: Gauge, policy: "quotas:update" },
  {
    href: "/admin/projects",
    label: "Projects",
    icon: FolderKanban,
    policy: "identity:list_projects",
  },
  { href: "/admin/users", label: "Users", icon: UserRound, policy: "identity:list_users" },
  { href: "/admin/usage", label: "Usage", icon: Activity, policy: "usage:list" },
];
