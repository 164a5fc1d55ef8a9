# The one list of Nimbus processes: ./scripts/up starts them in this order, ./scripts/down stops
# them in reverse. Add a process by adding a line. Source it, then call nimbus_processes with a
# function named nimbus_process defined; it is called once per line with:
#   NAME   ENTRY (from the repo root: a .js file runs under node, a .ts file under node --import tsx;
#          skipped while the file does not exist). The workers' entries are the bundles that
#          `npm run build -w @nimbus/workers` (apps/workers/build.ts) makes; ./scripts/up builds
#          them before starting anything.
#   HEALTH (a command that succeeds once the process is ready: alive_for SECONDS, http_ok URL,
#          or anything else; see lib/supervise.sh)
#   SETTINGS which settings of /etc/nimbus/nimbus.env the process receives, on top of
#            NIMBUS_COMMON_SETTINGS: its config module (a .ts file: every `NIMBUS_X:` key declared
#            there, so a new setting reaches the process without editing this list) and/or globs
# shellcheck shell=bash disable=SC2016

NIMBUS_COMMON_SETTINGS="NIMBUS_AMQP_URL NIMBUS_LOG_LEVEL NIMBUS_HOST"

# The conductor is the one door to the database (docs/architecture.md): no other process may get
# its URL, whatever its SETTINGS say.
NIMBUS_DATABASE_PROCESSES="conductor"

nimbus_processes() {
  nimbus_process conductor apps/workers/dist/current/conductor.js 'alive_for 2' \
    "apps/workers/src/conductor/config.ts NIMBUS_DATABASE_URL"
  nimbus_process scheduler apps/workers/dist/current/scheduler.js 'alive_for 2' \
    apps/workers/src/scheduler/config.ts
  nimbus_process compute apps/workers/dist/current/compute.js 'alive_for 2' \
    apps/workers/src/compute/config.ts
  nimbus_process consoleauth apps/workers/dist/current/consoleauth.js 'alive_for 2' \
    apps/workers/src/consoleauth/config.ts
  nimbus_process web apps/web/server.ts 'http_ok "http://127.0.0.1:${NIMBUS_WEB_PORT:-8080}/healthz"' \
    apps/web/src/env.ts
}
