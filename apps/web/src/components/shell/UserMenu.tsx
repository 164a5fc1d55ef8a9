"use client";
import { useMutation } from "@tanstack/react-query";
import { LogOut } from "lucide-react";
import { useSession } from "../../dashboard/session";
import { leavingSession } from "../../dashboard/live";
import { errorMessage, useTRPC } from "../../dashboard/trpc";
import {
  DropdownContent,
  DropdownItem,
  DropdownMenu,
  DropdownSeparator,
  DropdownTrigger,
} from "../ui/menu";
import { useToast } from "../ui/toast";

export function UserMenu() {
  const trpc = useTRPC();
  const session = useSession();
  const toast = useToast();
  const logout = useMutation(
    trpc.session.logout.mutationOptions({
      onSuccess: () => window.location.assign("/login?reason=signed-out"),
      onMutate: () => leavingSession(true),
      onError: (err) => {
        leavingSession(false);
        toast({ tone: "error", title: "Could not sign out", message: errorMessage(err) });
      },
    }),
  );
  const role = session.isAdmin ? "admin" : session.roles.includes("member") ? "member" : "reader";
  return (
    <DropdownMenu>
      <DropdownTrigger asChild>
        <button
          className="inline-flex items-center gap-2 rounded-md px-2 py-1.5 text-sm font-medium hover:bg-slate-100 dark:hover:bg-slate-800"
          aria-label={`Signed in as ${session.userName}. User menu`}
        >
          <span
            className="flex size-7 items-center justify-center rounded-full bg-slate-200 text-xs font-semibold uppercase dark:bg-slate-700"
            aria-hidden
          >
            {session.userName.slice(0, 1)}
          </span>
          <span className="hidden max-w-32 truncate md:inline">{session.userName}</span>
        </button>
      </DropdownTrigger>
      <DropdownContent>
        <div className="px-2 py-1.5 text-sm">
          <p className="font-medium">{session.userName}</p>
          <p className="text-xs text-slate-500 dark:text-slate-400">
            {role} in {session.projectName}
          </p>
        </div>
        <DropdownSeparator />
        <DropdownItem icon={<LogOut className="size-4" />} onSelect={() => logout.mutate()}>
          Sign out
        </DropdownItem>
      </DropdownContent>
    </DropdownMenu>
  );
}
