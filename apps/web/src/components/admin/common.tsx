"use client";
// What every admin page shares: a query's loading, error and empty states around its content, and
// mutations that say how they went in a toast (errors in the API's own words), and deleting a row
// after a confirmation.
import { useMutation, type UseQueryResult } from "@tanstack/react-query";
import { Trash2 } from "lucide-react";
import type { ReactNode } from "react";
import { errorMessage } from "../../dashboard/trpc";
import { Button } from "../ui/button";
import { ConfirmDialog } from "../ui/dialog";
import { EmptyState, ErrorState, SkeletonRows } from "../ui/states";
import { useToast } from "../ui/toast";

/**
 * Skeleton while pending, the error with a retry, `empty` when `isEmpty`, else the content. `inset`
 * pads the error to sit inside a card; a page without one lines it up with its header.
 */
export function QueryView<T, E>({
  query,
  isEmpty,
  empty,
  rows = 4,
  inset = true,
  children,
}: {
  query: UseQueryResult<T, E>;
  isEmpty?: (data: T) => boolean;
  empty?: { icon: ReactNode; title: string; text?: ReactNode; action?: ReactNode };
  rows?: number;
  inset?: boolean;
  children: (data: T) => ReactNode;
}) {
  if (query.isPending) return <SkeletonRows rows={rows} />;
  if (query.isError) {
    return (
      <div className={inset ? "p-4" : undefined}>
        <ErrorState message={errorMessage(query.error)} onRetry={() => void query.refetch()} />
      </div>
    );
  }
  if (empty && isEmpty?.(query.data)) {
    return (
      <EmptyState icon={empty.icon} title={empty.title} action={empty.action}>
        {empty.text}
      </EmptyState>
    );
  }
  return <>{children(query.data)}</>;
}

/** Toasts for a mutation: `onSuccess` says what was done, `onError` the API's reason. */
export function useOutcome() {
  const toast = useToast();
  return {
    done: (title: string, message?: string) =>
      toast({ tone: "success", title, ...(message && { message }) }),
    refused: (title: string) => (err: unknown) =>
      toast({ tone: "error", title, message: errorMessage(err) }),
  };
}

/** A whole number typed in a field, or null when it is not one. */
export function intOrNull(text: string): number | null {
  return /^-?\d+$/.test(text.trim()) ? Number(text.trim()) : null;
}

/** A row's delete button, named after what it deletes. */
export function DeleteButton({
  name,
  onClick,
  unavailable,
}: {
  name: string;
  onClick: () => void;
  unavailable?: string | null;
}) {
  return (
    <Button
      size="sm"
      variant="ghost"
      aria-label={`Delete ${name}`}
      unavailable={unavailable}
      icon={<Trash2 className="size-4 text-rose-600" aria-hidden />}
      onClick={onClick}
    />
  );
}

/** "Delete X?" with what it means; `remove` runs after the confirmation, `onDone` after success. */
export function DeleteDialog({
  target,
  kind,
  description,
  remove,
  onDone,
  onClose,
}: {
  target: { id: string; name: string } | null;
  kind: string;
  description: string;
  remove: (id: string) => Promise<unknown>;
  onDone: () => void;
  onClose: () => void;
}) {
  const outcome = useOutcome();
  const mutation = useMutation({
    mutationFn: remove,
    onSuccess: () => {
      outcome.done(`${kind} ${target?.name} deleted`);
      onDone();
      onClose();
    },
    onError: outcome.refused(`The ${kind.toLowerCase()} was not deleted`),
  });
  return (
    <ConfirmDialog
      open={!!target}
      onOpenChange={(open) => !open && onClose()}
      title={`Delete ${target?.name}?`}
      description={`${description} This cannot be undone.`}
      confirmLabel="Delete"
      busy={mutation.isPending}
      onConfirm={() => target && mutation.mutate(target.id)}
    />
  );
}
