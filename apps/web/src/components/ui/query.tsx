"use client";
// A query's three states inside a card: grey rows while it loads, the API's words (and a retry)
// when it fails, else what its data renders as.
import type { UseQueryResult } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { errorMessage } from "../../dashboard/trpc";
import { ErrorState, SkeletonRows } from "./states";

export function QueryBody<T>({
  query,
  rows = 4,
  children,
}: {
  query: Pick<UseQueryResult<T, unknown>, "isPending" | "isError" | "error" | "data" | "refetch">;
  rows?: number;
  children: (data: T) => ReactNode;
}) {
  if (query.isPending) return <SkeletonRows rows={rows} />;
  if (query.isError || query.data === undefined) {
    return (
      <div className="p-4">
        <ErrorState message={errorMessage(query.error)} onRetry={() => void query.refetch()} />
      </div>
    );
  }
  return children(query.data);
}
