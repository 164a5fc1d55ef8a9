// The web process's configuration: the only place in apps/web that reads the environment.
import { z } from "zod";
import { commonSettings, envBool, envInt, parseConfig } from "../../../packages/rpc/src/config";

/** A comma-separated list of origins (`scheme://host[:port]`). */
const originList = z
  .string()
  .default("")
  .transform((s) =>
    s
      .split(",")
      .map((o) => o.trim().replace(/\/+$/, ""))
      .filter((o) => o !== ""),
  )
  .pipe(
    z.array(
      z.url().refine((o) => new URL(o).origin === o, "must be an origin: scheme://host[:port]"),
    ),
  );

export const webSettings = {
  ...commonSettings,
  NIMBUS_WEB_LISTEN: z.string().min(1).default("0.0.0.0"),
  NIMBUS_WEB_PORT: envInt(8080).pipe(z.number().min(0).max(65535)),
  /** Serve the dashboard (Next.js); off, the process serves the APIs only (API nodes, tests). */
  NIMBUS_WEB_NEXT: envBool(true),
  /** Next.js in development mode (on-demand compilation, HMR) instead of serving `next build` output. */
  NIMBUS_WEB_DEV: envBool(false),
  /**
   * The origin (optionally with a path) clients reach this server at, e.g. https://cloud.example.com.
   * Unset: links are built from the request's Host / X-Forwarded-* headers.
   */
  NIMBUS_PUBLIC_URL: z
    .string()
    .url()
    .transform((u) => u.replace(/\/+$/, ""))
    .optional(),
  /**
   * How REST and tRPC requests are authenticated: `keystone` (tokens from /identity/v3) or, for tests
   * only, `noauth2` (Nova's test mode: X-Auth-Token "user:project", user `admin` is an admin).
   */
  NIMBUS_AUTH_STRATEGY: z.enum(["keystone", "noauth2"]).default("keystone"),
  /** Largest JSON body accepted by the compute and identity APIs (image uploads do not go through this). */
  NIMBUS_API_MAX_BODY_BYTES: envInt(1024 * 1024).pipe(z.number().int().positive()),
  /** The image store (Glance's filesystem store): image data is served only from inside it. */
  NIMBUS_IMAGES_DIR: z.string().min(1).default("/var/lib/nimbus/images"),
  /** Largest image upload in bytes (Glance's `image_size_cap`); 100 GiB by default. */
  NIMBUS_IMAGE_MAX_SIZE: envInt(100 * 1024 ** 3).pipe(z.number().int().positive()),
  /** How long shutdown waits for in-flight requests before cutting connections. */
  NIMBUS_WEB_SHUTDOWN_GRACE_MS: envInt(10_000).pipe(z.number().int().nonnegative()),
  /** Origins besides this server's own (and NIMBUS_PUBLIC_URL's) whose pages may open consoles. */
  NIMBUS_CONSOLE_ALLOWED_ORIGINS: originList,
  /** Console sessions one token (one console URL) may have open at once. */
  NIMBUS_CONSOLE_MAX_SESSIONS_PER_TOKEN: envInt(2).pipe(z.number().int().min(1).max(100)),
  /** Seconds without a byte from the browser (no input, no screen change) that end a session; 0: never. */
  NIMBUS_CONSOLE_IDLE_TIMEOUT: envInt(3600).pipe(z.number().int().nonnegative()),
  /** Seconds a console session may last in all; 0: no limit. */
  NIMBUS_CONSOLE_MAX_SESSION: envInt(8 * 3600).pipe(z.number().int().nonnegative()),
  /** Seconds an instance may keep one task state before the dashboard flags it as stuck. */
  NIMBUS_DASHBOARD_STUCK_TASK_SECONDS: envInt(600).pipe(z.number().int().positive()),
};

export type WebConfig = ReturnType<typeof parseWebConfig>;

export function parseWebConfig(env: Record<string, string | undefined>) {
  return parseConfig(webSettings, env);
}

/** The configuration of this process, from its environment. */
export function loadWebConfig(): WebConfig {
  return parseWebConfig(process.env);
}
