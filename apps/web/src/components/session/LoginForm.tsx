"use client";
// The sign-in form: user name, password and, optionally, a project (domain Default). The session
// becomes an HttpOnly cookie set by the server; this page never sees the token.
import { useMutation } from "@tanstack/react-query";
import { Cloud } from "lucide-react";
import { useSearchParams } from "next/navigation";
import { useState, type FormEvent } from "react";
import { DashboardQueryProvider, errorMessage, useTRPC } from "../../dashboard/trpc";
import { Button } from "../ui/button";
import { Field, Input } from "../ui/field";

const REASONS: Record<string, string> = {
  expired: "Your session has ended. Sign in again to continue.",
  "signed-out": "You have signed out.",
};

/** Only a path on this site: never send a user elsewhere after signing in. */
function safeNext(next: string | null): string {
  return next && next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/login")
    ? next
    : "/project/instances";
}

function Form() {
  const trpc = useTRPC();
  const params = useSearchParams();
  const reason = REASONS[params.get("reason") ?? ""];
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [project, setProject] = useState("");
  const login = useMutation(
    trpc.session.login.mutationOptions({
      onSuccess: () => window.location.assign(safeNext(params.get("next"))),
    }),
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    login.mutate({ username, password, ...(project.trim() && { project: project.trim() }) });
  };
  return (
    <main className="flex min-h-screen items-center justify-center bg-slate-100/60 px-4 py-10 dark:bg-slate-950">
      <div className="w-full max-w-sm">
        <div className="mb-6 flex flex-col items-center gap-2 text-center">
          <Cloud className="size-9 text-sky-600 dark:text-sky-400" aria-hidden />
          <h1 className="text-2xl font-semibold tracking-tight">Sign in to Nimbus</h1>
          <p className="text-sm text-slate-500 dark:text-slate-400">
            Use your cloud account (domain Default).
          </p>
        </div>
        <form
          onSubmit={submit}
          noValidate
          className="space-y-4 rounded-lg border border-slate-200 bg-white p-6 shadow-sm dark:border-slate-800 dark:bg-slate-900"
        >
          {reason && !login.isError && (
            <p
              role="status"
              className="rounded-md bg-slate-100 px-3 py-2 text-sm text-slate-700 dark:bg-slate-800 dark:text-slate-300"
            >
              {reason}
            </p>
          )}
          {login.isError && (
            <p
              role="alert"
              className="rounded-md bg-rose-50 px-3 py-2 text-sm font-medium text-rose-800 dark:bg-rose-950/50 dark:text-rose-300"
            >
              {errorMessage(login.error)}
            </p>
          )}
          <Field label="User name">
            {(ids) => (
              <Input
                {...ids}
                name="username"
                autoComplete="username"
                autoFocus
                required
                value={username}
                onChange={(e) => setUsername(e.target.value)}
              />
            )}
          </Field>
          <Field label="Password">
            {(ids) => (
              <Input
                {...ids}
                name="password"
                type="password"
                autoComplete="current-password"
                required
                value={password}
                onChange={(e) => setPassword(e.target.value)}
              />
            )}
          </Field>
          <Field
            label="Project"
            hint="Optional: otherwise your default project, or your first one."
          >
            {(ids) => (
              <Input
                {...ids}
                name="project"
                value={project}
                onChange={(e) => setProject(e.target.value)}
              />
            )}
          </Field>
          <Button
            type="submit"
            variant="primary"
            className="w-full"
            loading={login.isPending || login.isSuccess}
            disabled={!username || !password}
          >
            Sign in
          </Button>
        </form>
      </div>
    </main>
  );
}

export function LoginForm() {
  return (
    <DashboardQueryProvider>
      <Form />
    </DashboardQueryProvider>
  );
}
