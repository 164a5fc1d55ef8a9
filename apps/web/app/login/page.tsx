import type { Metadata } from "next";

export const metadata: Metadata = { title: "Sign in" };

const field =
  "mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm " +
  "focus:border-sky-500 focus:outline-none focus:ring-2 focus:ring-sky-500/30 " +
  "dark:border-slate-700 dark:bg-slate-900";

// The sign-in form's shell. Submitting it needs the identity API (Keystone tokens), which is not
// wired yet, so the button stays disabled and says so rather than pretending.
export default function LoginPage() {
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="w-full max-w-sm">
        <h1 className="text-center text-3xl font-semibold tracking-tight">Nimbus</h1>
        <p className="mt-1 text-center text-sm text-slate-500 dark:text-slate-400">Compute cloud</p>
        <form className="mt-8 space-y-4 rounded-lg border border-slate-200 bg-white p-6 shadow-sm dark:border-slate-800 dark:bg-slate-900">
          <label className="block text-sm font-medium">
            User name
            <input className={field} name="username" autoComplete="username" required />
          </label>
          <label className="block text-sm font-medium">
            Password
            <input
              className={field}
              name="password"
              type="password"
              autoComplete="current-password"
              required
            />
          </label>
          <label className="block text-sm font-medium">
            Project
            <input className={field} name="project" />
          </label>
          <button
            type="submit"
            disabled
            className="w-full rounded-md bg-sky-600 px-3 py-2 text-sm font-semibold text-white disabled:cursor-not-allowed disabled:opacity-50"
          >
            Sign in
          </button>
          <p className="text-center text-xs text-slate-500 dark:text-slate-400">
            Signing in is not available yet.
          </p>
        </form>
      </div>
    </main>
  );
}
