"use client";
// The browser's tRPC client and TanStack Query cache. No polling anywhere: queries stay fresh
// through the live socket (live.tsx) and are refetched only when it reconnects.
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createTRPCClient, httpBatchLink, TRPCClientError } from "@trpc/client";
import { createTRPCContext } from "@trpc/tanstack-react-query";
import { useState, type ReactNode } from "react";
import superjson from "superjson";
import type { AppRouter } from "../trpc/root";

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

type AppError = TRPCClientError<AppRouter>;

export const isAppError = (err: unknown): err is AppError => err instanceof TRPCClientError;

/** The API's own words for a failure (what the REST API would have answered). */
export function errorMessage(err: unknown): string {
  if (isAppError(err)) return err.message;
  if (err instanceof Error) return err.message;
  return "Something went wrong.";
}

/** Back to the sign-in page, saying why, and coming back here afterwards. */
export function toSignIn(reason?: "expired") {
  const next = window.location.pathname + window.location.search;
  const params = new URLSearchParams({ next });
  if (reason) params.set("reason", reason);
  window.location.assign(`/login?${params}`);
}

function onError(err: unknown) {
  // (On the sign-in page an UNAUTHORIZED is a wrong password, said by the form itself.)
  if (window.location.pathname === "/login") return;
  if (isAppError(err) && err.data?.code === "UNAUTHORIZED") {
    toSignIn(err.data.sessionExpired ? "expired" : undefined);
  }
}

function makeQueryClient() {
  return new QueryClient({
    queryCache: new QueryCache({ onError }),
    mutationCache: new MutationCache({ onError }),
    defaultOptions: {
      queries: {
        // Live events keep what is on screen current; nothing refetches on a timer or on focus.
        staleTime: Infinity,
        refetchOnWindowFocus: false,
        retry: (count, err) =>
          !(isAppError(err) && (err.data?.httpStatus ?? 500) < 500) && count < 2,
      },
    },
  });
}

export function DashboardQueryProvider({ children }: { children: ReactNode }) {
  const [queryClient] = useState(makeQueryClient);
  const [trpcClient] = useState(() =>
    createTRPCClient<AppRouter>({
      links: [httpBatchLink({ url: "/api/trpc", transformer: superjson })],
    }),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  );
}
