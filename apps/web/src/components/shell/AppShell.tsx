"use client";
// The dashboard's frame: a sidebar (Project, and Admin for administrators) that becomes a menu
// on a phone, and a top bar with the project switcher, the live connection, the task drawer and
// the user menu.
import * as RadixDialog from "@radix-ui/react-dialog";
import { Cloud, Menu, X } from "lucide-react";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useState, type ReactNode } from "react";
import { useCan, useSession } from "../../dashboard/session";
import { cn } from "../ui/cn";
import { LiveIndicator } from "./LiveIndicator";
import { ADMIN_NAV, PROJECT_NAV, type NavItem } from "./nav";
import { ProjectSwitcher } from "./ProjectSwitcher";
import { TaskDrawer, TaskDrawerButton, TaskDrawerProvider } from "./TaskDrawer";
import { UserMenu } from "./UserMenu";

function NavSection({
  title,
  items,
  onNavigate,
}: {
  title: string;
  items: NavItem[];
  onNavigate?: () => void;
}) {
  const pathname = usePathname();
  const can = useCan();
  const visible = items.filter((i) => !i.policy || can(i.policy));
  if (visible.length === 0) return null;
  return (
    <div>
      <h2 className="px-3 pb-1 text-[0.6875rem] font-semibold tracking-wider text-slate-500 uppercase dark:text-slate-500">
        {title}
      </h2>
      <ul className="space-y-0.5">
        {visible.map((item) => {
          const active = pathname === item.href || pathname.startsWith(`${item.href}/`);
          return (
            <li key={item.href}>
              <Link
                href={item.href}
                onClick={onNavigate}
                aria-current={active ? "page" : undefined}
                className={cn(
                  "flex items-center gap-2.5 rounded-md px-3 py-1.5 text-sm font-medium",
                  active
                    ? "bg-slate-200/70 text-slate-900 dark:bg-slate-800 dark:text-white"
                    : "text-slate-600 hover:bg-slate-200/40 hover:text-slate-900 dark:text-slate-400 dark:hover:bg-slate-800/60 dark:hover:text-slate-100",
                )}
              >
                <item.icon className="size-4" aria-hidden />
                {item.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </div>
  );
}

function Sidebar({ onNavigate }: { onNavigate?: () => void }) {
  const session = useSession();
  return (
    <nav aria-label="Main" className="flex flex-col gap-6 px-3 py-4">
      <NavSection title="Project" items={PROJECT_NAV} onNavigate={onNavigate} />
      {session.isAdmin && <NavSection title="Admin" items={ADMIN_NAV} onNavigate={onNavigate} />}
    </nav>
  );
}

function Brand() {
  return (
    <Link
      href="/project/instances"
      className="flex items-center gap-2 font-semibold tracking-tight"
    >
      <Cloud className="size-5 text-sky-600 dark:text-sky-400" aria-hidden />
      Nimbus
    </Link>
  );
}

export function AppShell({ children }: { children: ReactNode }) {
  const [menuOpen, setMenuOpen] = useState(false);
  return (
    <TaskDrawerProvider>
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:fixed focus:top-2 focus:left-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2 focus:shadow dark:focus:bg-slate-900"
      >
        Skip to content
      </a>
      <div className="flex min-h-screen">
        <aside className="hidden w-56 shrink-0 border-r border-slate-200 bg-slate-100/60 lg:block dark:border-slate-800 dark:bg-slate-900/40">
          <div className="flex h-14 items-center border-b border-slate-200 px-5 dark:border-slate-800">
            <Brand />
          </div>
          <Sidebar />
        </aside>
        <div className="flex min-w-0 flex-1 flex-col">
          <header className="sticky top-0 z-30 flex h-14 items-center gap-2 border-b border-slate-200 bg-white/90 px-3 backdrop-blur sm:px-5 dark:border-slate-800 dark:bg-slate-950/90">
            <RadixDialog.Root open={menuOpen} onOpenChange={setMenuOpen}>
              <RadixDialog.Trigger asChild>
                <button
                  className="rounded-md p-2 text-slate-600 hover:bg-slate-100 lg:hidden dark:text-slate-300 dark:hover:bg-slate-800"
                  aria-label="Open navigation"
                >
                  <Menu className="size-5" aria-hidden />
                </button>
              </RadixDialog.Trigger>
              <RadixDialog.Portal>
                <RadixDialog.Overlay className="fixed inset-0 z-40 bg-slate-950/40 lg:hidden" />
                <RadixDialog.Content
                  aria-describedby={undefined}
                  className="fixed inset-y-0 left-0 z-50 w-64 border-r border-slate-200 bg-white shadow-xl lg:hidden dark:border-slate-800 dark:bg-slate-900"
                >
                  <div className="flex h-14 items-center justify-between border-b border-slate-200 px-5 dark:border-slate-800">
                    <RadixDialog.Title asChild>
                      <span>
                        <Brand />
                      </span>
                    </RadixDialog.Title>
                    <RadixDialog.Close
                      className="rounded p-1 text-slate-500 hover:bg-slate-100 dark:hover:bg-slate-800"
                      aria-label="Close navigation"
                    >
                      <X className="size-4" aria-hidden />
                    </RadixDialog.Close>
                  </div>
                  <Sidebar onNavigate={() => setMenuOpen(false)} />
                </RadixDialog.Content>
              </RadixDialog.Portal>
            </RadixDialog.Root>
            <div className="lg:hidden">
              <Brand />
            </div>
            <div className="ml-auto flex items-center gap-1 sm:gap-2">
              <ProjectSwitcher />
              <LiveIndicator />
              <TaskDrawerButton />
              <UserMenu />
            </div>
          </header>
          <main
            id="main"
            className="mx-auto w-full max-w-screen-2xl flex-1 px-3 py-5 sm:px-6 sm:py-6"
          >
            {children}
          </main>
        </div>
      </div>
      <TaskDrawer />
    </TaskDrawerProvider>
  );
}
