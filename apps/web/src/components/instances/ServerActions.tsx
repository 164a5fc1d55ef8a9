"use client";
// A server's actions, from the shared definitions: a menu (the table's rows, the detail page) where
// what the server's state or the user's role does not allow is greyed out with the reason, a
// confirmation for what cannot be undone, and the API's own words when it refuses anyway.
import { serverActions, type ServerActionName } from "@nimbus/rpc/domain";
import { useMutation } from "@tanstack/react-query";
import {
  CirclePause,
  CirclePlay,
  Lock,
  LockOpen,
  MoreHorizontal,
  Power,
  PowerOff,
  RotateCcw,
  RotateCw,
  Trash2,
  Undo2,
  Check,
  Moon,
  Sun,
  type LucideIcon,
} from "lucide-react";
import { Fragment, useState } from "react";
import { adminOnly, availability, MENU_ACTIONS, type MenuAction } from "../../dashboard/actions";
import { usePatchServer } from "../../dashboard/live";
import { useSession } from "../../dashboard/session";
import { errorMessage, useTRPC } from "../../dashboard/trpc";
import type { ServerView } from "../../trpc/routers/servers/views";
import { Button } from "../ui/button";
import { ConfirmDialog } from "../ui/dialog";
import {
  DropdownContent,
  DropdownItem,
  DropdownMenu,
  DropdownSeparator,
  DropdownTrigger,
} from "../ui/menu";
import { useToast } from "../ui/toast";

export const ACTION_ICONS: Record<MenuAction, LucideIcon> = {
  start: Power,
  stop: PowerOff,
  "reboot-soft": RotateCw,
  "reboot-hard": RotateCcw,
  pause: CirclePause,
  unpause: CirclePlay,
  suspend: Moon,
  resume: Sun,
  "confirm-resize": Check,
  "revert-resize": Undo2,
  lock: Lock,
  unlock: LockOpen,
  "reset-state": RotateCcw,
  delete: Trash2,
};

/** Run an action on one server; the answer updates every cached view of it at once. */
export function useServerAction() {
  const trpc = useTRPC();
  const toast = useToast();
  const patch = usePatchServer();
  return useMutation(
    trpc.servers.action.mutationOptions({
      onSuccess: (server, vars) => {
        patch(server);
        toast({
          tone: "success",
          title: `${serverActions[vars.action].label}: ${server.name}`,
          message: "Requested.",
        });
      },
      onError: (err, vars) =>
        toast({
          tone: "error",
          title: `${serverActions[vars.action].label} refused`,
          message: errorMessage(err),
        }),
    }),
  );
}

/** Confirmation of a destructive action (delete, reset state). */
export function ConfirmAction({
  server,
  action,
  onClose,
}: {
  server: ServerView;
  action: Extract<MenuAction, "delete" | "reset-state"> | null;
  onClose: () => void;
}) {
  const run = useServerAction();
  const [resetTo, setResetTo] = useState<"active" | "error">("active");
  if (!action) return null;
  const isDelete = action === "delete";
  return (
    <ConfirmDialog
      open
      onOpenChange={(open) => !open && onClose()}
      title={isDelete ? `Delete ${server.name}?` : `Reset the state of ${server.name}?`}
      description={
        isDelete
          ? "The instance and its disk are deleted. This cannot be undone."
          : `Clears the task state (${server.taskState ?? "none"}) and sets the instance's state, without touching the guest. Use it when a task is stuck.`
      }
      confirmLabel={isDelete ? "Delete" : "Reset state"}
      busy={run.isPending}
      onConfirm={() =>
        run.mutate(
          { id: server.id, action, args: isDelete ? {} : { resetTo } },
          { onSettled: onClose },
        )
      }
    >
      {!isDelete && (
        <fieldset className="space-y-2 text-sm">
          <legend className="mb-1 font-medium">New state</legend>
          {(["active", "error"] as const).map((s) => (
            <label key={s} className="flex items-center gap-2">
              <input
                type="radio"
                name="reset-to"
                value={s}
                checked={resetTo === s}
                onChange={() => setResetTo(s)}
              />
              {s === "active" ? "Active (the guest is fine)" : "Error (the guest needs attention)"}
            </label>
          ))}
        </fieldset>
      )}
    </ConfirmDialog>
  );
}

/** The actions menu of one server ("⋯" in a row, "More" on the detail page). */
export function ServerActionsMenu({
  server,
  trigger = "icon",
  only,
}: {
  server: ServerView;
  trigger?: "icon" | "button";
  /** limit the menu to these actions (the detail page shows some as buttons) */
  only?: readonly MenuAction[];
}) {
  const session = useSession();
  const run = useServerAction();
  const [confirm, setConfirm] = useState<"delete" | "reset-state" | null>(null);
  const actions = (only ?? MENU_ACTIONS).filter((a) => session.isAdmin || !adminOnly(a));
  const select = (action: MenuAction) => {
    if (action === "delete" || action === "reset-state") return setConfirm(action);
    run.mutate({ id: server.id, action });
  };
  const destructiveAt = actions.findIndex((a) => serverActions[a as ServerActionName].destructive);
  return (
    <>
      <DropdownMenu>
        <DropdownTrigger asChild>
          {trigger === "icon" ? (
            <button
              className="rounded-md p-1.5 text-slate-500 hover:bg-slate-200/70 hover:text-slate-900 focus-visible:outline-2 focus-visible:outline-sky-500 dark:hover:bg-slate-700 dark:hover:text-slate-100"
              aria-label={`Actions for ${server.name}`}
            >
              <MoreHorizontal className="size-4" aria-hidden />
            </button>
          ) : (
            <Button icon={<MoreHorizontal className="size-4" aria-hidden />}>More</Button>
          )}
        </DropdownTrigger>
        <DropdownContent>
          {actions.map((action, i) => {
            const Icon = ACTION_ICONS[action];
            const can = availability(action, server, session);
            return (
              <Fragment key={action}>
                {i === destructiveAt && i > 0 && <DropdownSeparator />}
                <DropdownItem
                  icon={<Icon className="size-4" />}
                  tone={serverActions[action].destructive ? "danger" : "default"}
                  unavailable={can.ok ? null : can.reason}
                  onSelect={() => select(action)}
                >
                  {serverActions[action].label}
                </DropdownItem>
              </Fragment>
            );
          })}
        </DropdownContent>
      </DropdownMenu>
      <ConfirmAction server={server} action={confirm} onClose={() => setConfirm(null)} />
    </>
  );
}
