"use client";
// Dropdown menus (Radix: arrow keys, typeahead, Escape). An unavailable item stays listed with its
// reason underneath, so a person sees why, not only that, it is greyed out.
import * as Menu from "@radix-ui/react-dropdown-menu";
import type { ReactNode } from "react";
import { cn } from "./cn";

export const DropdownMenu = Menu.Root;
export const DropdownTrigger = Menu.Trigger;

export function DropdownContent({
  children,
  align = "end",
}: {
  children: ReactNode;
  align?: "start" | "end";
}) {
  return (
    <Menu.Portal>
      <Menu.Content
        align={align}
        sideOffset={4}
        collisionPadding={8}
        className="z-50 max-h-[min(70vh,var(--radix-dropdown-menu-content-available-height))] min-w-52 overflow-y-auto rounded-md border border-slate-200 bg-white p-1 shadow-lg dark:border-slate-700 dark:bg-slate-900"
      >
        {children}
      </Menu.Content>
    </Menu.Portal>
  );
}

export function DropdownItem({
  children,
  icon,
  onSelect,
  unavailable,
  tone = "default",
}: {
  children: ReactNode;
  icon?: ReactNode;
  onSelect?: () => void;
  /** why the item cannot be used now; the item is disabled and shows this */
  unavailable?: string | null;
  tone?: "default" | "danger";
}) {
  return (
    <Menu.Item
      disabled={!!unavailable}
      onSelect={onSelect}
      className={cn(
        "flex cursor-default items-start gap-2 rounded px-2 py-1.5 text-sm outline-none select-none",
        "data-highlighted:bg-slate-100 dark:data-highlighted:bg-slate-800",
        "data-disabled:cursor-not-allowed",
        tone === "danger"
          ? "text-rose-700 dark:text-rose-400"
          : "text-slate-800 dark:text-slate-200",
      )}
    >
      <span className={cn("mt-0.5 size-4 shrink-0", unavailable && "opacity-40")} aria-hidden>
        {icon}
      </span>
      <span className="min-w-0">
        <span className={cn("block", unavailable && "opacity-50")}>{children}</span>
        {unavailable && (
          <span className="block text-xs leading-snug text-slate-500 dark:text-slate-400">
            {unavailable}
          </span>
        )}
      </span>
    </Menu.Item>
  );
}

export function DropdownLabel({ children }: { children: ReactNode }) {
  return (
    <Menu.Label className="px-2 pt-1.5 pb-1 text-xs font-medium text-slate-500 dark:text-slate-400">
      {children}
    </Menu.Label>
  );
}

export const DropdownSeparator = () => (
  <Menu.Separator className="my-1 h-px bg-slate-200 dark:bg-slate-700" />
);
