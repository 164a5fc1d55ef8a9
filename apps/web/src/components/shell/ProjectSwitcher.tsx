"use client";
// The project the session works in, and the others the user may switch to (a re-scoped token).
import { useMutation, useQuery } from "@tanstack/react-query";
import { Check, ChevronsUpDown, FolderKanban } from "lucide-react";
import { useSession } from "../../dashboard/session";
import { leavingSession } from "../../dashboard/live";
import { errorMessage, useTRPC } from "../../dashboard/trpc";
import {
  DropdownContent,
  DropdownItem,
  DropdownLabel,
  DropdownMenu,
  DropdownTrigger,
} from "../ui/menu";
import { useToast } from "../ui/toast";

export function ProjectSwitcher() {
  const trpc = useTRPC();
  const session = useSession();
  const toast = useToast();
  const projects = useQuery(trpc.session.projects.queryOptions());
  const switchProject = useMutation(
    trpc.session.switchProject.mutationOptions({
      // A new project is a new page: fresh caches, a live socket in the new project's room.
      onSuccess: () => window.location.assign("/project/instances"),
      onMutate: () => leavingSession(true),
      onError: (err) => {
        leavingSession(false);
        toast({ tone: "error", title: "Could not switch project", message: errorMessage(err) });
      },
    }),
  );
  return (
    <DropdownMenu>
      <DropdownTrigger asChild>
        <button
          className="inline-flex max-w-48 items-center gap-2 rounded-md border border-slate-200 px-2.5 py-1.5 text-sm font-medium hover:bg-slate-50 sm:max-w-64 dark:border-slate-700 dark:hover:bg-slate-800"
          aria-label={`Project: ${session.projectName}. Switch project`}
        >
          <FolderKanban className="size-4 shrink-0 text-slate-500" aria-hidden />
          <span className="truncate">{session.projectName}</span>
          <ChevronsUpDown className="size-3.5 shrink-0 text-slate-400" aria-hidden />
        </button>
      </DropdownTrigger>
      <DropdownContent align="end">
        <DropdownLabel>Projects</DropdownLabel>
        {projects.isPending && <p className="px-2 py-1.5 text-sm text-slate-500">Loading…</p>}
        {projects.isError && (
          <p className="px-2 py-1.5 text-sm text-rose-600">{errorMessage(projects.error)}</p>
        )}
        {projects.data?.map((p) => (
          <DropdownItem
            key={p.id}
            icon={p.id === session.projectId ? <Check className="size-4" /> : null}
            onSelect={() => p.id !== session.projectId && switchProject.mutate({ projectId: p.id })}
          >
            {p.name}
          </DropdownItem>
        ))}
      </DropdownContent>
    </DropdownMenu>
  );
}
