#!/usr/bin/env bash
# Tests the process list and its supervision behind ./scripts/up and ./scripts/down. First the real
# list (lib/processes.sh): its worker entries are the bundles the workers build makes. Then
# lib/supervise.sh on small stand-in programs, in a temp dir with its own env file, pid files and
# logs: one node process per entry (.js under node, .ts under node --import tsx), who gets which
# settings (the database URL only for the conductor), health waiting, skip-if-running, stop with
# the SIGKILL fallback, and a crash during start-up. Prints one PASS/FAIL line per check.
set -uo pipefail
LOG_TAG=processes-test
here=$(dirname "${BASH_SOURCE[0]}")
# shellcheck source=../lib/common.sh
source "$here/../lib/common.sh"
# shellcheck source=../lib/processes.sh
source "$here/../lib/processes.sh"
# shellcheck source=../lib/supervise.sh
source "$here/../lib/supervise.sh"
cd "$NIMBUS_REPO" || exit 1 # where lib/processes.sh's paths and `--import tsx` resolve

work=$(mktemp -d /tmp/nimbus-processes-test.XXXXXX)
mkdir "$work/seen"
NIMBUS_RUN=$work/run NIMBUS_LOG=$work/log NIMBUS_ENV_FILE=$work/nimbus.env STOP_GRACE=2
port=$((20000 + RANDOM % 20000))
failed=0
pass() { echo "PASS $1"; }
fail() { echo "FAIL $1"; failed=1; }
check() { # DESCRIPTION COMMAND...
  local what=$1
  shift
  if "$@"; then pass "$what"; else fail "$what"; fi
}

# The real list: each .js entry is a bundle of the workers build (as dist/current/<name>.js, which
# ./scripts/up points at that build), every bundle is started, and the .ts entries exist.
list_entries() {
  nimbus_process() { echo "$2"; }
  nimbus_processes
}
mapfile -t real_entries < <(list_entries)
mapfile -t bundles < <(node --import tsx --input-type=module -e '
  import { basename } from "node:path";
  import { buildWorkers } from "./apps/workers/build.ts";
  for (const path of Object.values((await buildWorkers()).entries)) console.log(basename(path));')
in_list() { printf '%s\n' "${@:2}" | grep -qxF -- "$1"; }
made_by_build() { [[ $1 == apps/workers/dist/current/* ]] && in_list "${1##*/}" "${bundles[@]}"; }
check "the workers build makes bundles (${bundles[*]})" test "${#bundles[@]}" -gt 0
for entry in "${real_entries[@]}"; do
  case $entry in
    *.js) check "processes.sh's $entry is made by the workers build" made_by_build "$entry" ;;
    *) check "processes.sh's $entry exists" test -f "$entry" ;;
  esac
done
for bundle in "${bundles[@]}"; do
  check "the bundle $bundle is started by processes.sh" in_list "apps/workers/dist/current/$bundle" "${real_entries[@]}"
done

# Stand-ins: a worker (plain JavaScript, as the bundles) that records the settings it was given, a
# web server with /healthz (TypeScript, as the web), one that ignores SIGTERM, and one that crashes
# at start.
echo '{ "type": "module" }' >"$work/package.json"
cat >"$work/worker.js" <<EOF
import { writeFileSync } from "node:fs";
const keys = Object.keys(process.env).filter((k) => k.startsWith("NIMBUS_")).sort();
writeFileSync("$work/seen/" + process.env.NIMBUS_PROCESS + ".env", keys.join("\n") + "\n");
setInterval(() => {}, 1000);
process.on("SIGTERM", () => process.exit(0));
EOF
cat >"$work/web.ts" <<'EOF'
import { createServer } from "node:http";
createServer((req, res) => res.writeHead(req.url === "/healthz" ? 200 : 404).end()).listen(Number(process.env.NIMBUS_WEB_PORT), "127.0.0.1");
process.on("SIGTERM", () => process.exit(0));
EOF
cat >"$work/stubborn.ts" <<EOF
import { writeFileSync } from "node:fs";
process.on("SIGTERM", () => console.log("ignoring SIGTERM"));
writeFileSync("$work/seen/stubborn.ready", "");
setInterval(() => {}, 1000);
EOF
echo 'process.exit(3);' >"$work/crash.ts"
# A config module as the processes have them; its keys are what compute receives.
cat >"$work/compute-config.ts" <<'EOF'
export const computeSettings = {
  ...commonSettings,
  /** a comment */
  NIMBUS_VIRT_TYPE: z.enum(["qemu", "kvm"]).default("qemu"),
  NIMBUS_DATABASE_URL: z.string(), // asked for on purpose: the one-door guard must withhold it
};
EOF

cat >"$NIMBUS_ENV_FILE" <<EOF
NIMBUS_DATABASE_URL=mysql://nimbus:secret@127.0.0.1:3306/nimbus
NIMBUS_AMQP_URL=amqp://guest:guest@127.0.0.1:5672/
NIMBUS_ADMIN_PASSWORD=not-for-workers
NIMBUS_VIRT_TYPE=qemu
NIMBUS_WEB_LISTEN=127.0.0.1
NIMBUS_WEB_PORT=$port
EOF
load_settings

nimbus_processes() {
  nimbus_process conductor "$work/worker.js" 'alive_for 1' "NIMBUS_DATABASE_URL"
  nimbus_process compute "$work/worker.js" 'alive_for 1' "$work/compute-config.ts $work/absent-config.ts"
  nimbus_process web "$work/web.ts" 'http_ok "http://127.0.0.1:$NIMBUS_WEB_PORT/healthz"' "NIMBUS_WEB_*"
  nimbus_process stubborn "$work/stubborn.ts" 'alive_for 1' ""
  nimbus_process absent "$work/absent.ts" 'alive_for 1' ""
}
cleanup() {
  stop_processes >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT

out=$(start_processes && wait_healthy 60 2>&1)
check "start and wait until healthy" test $? -eq 0
start_processes >/dev/null # in this shell, now that they already run: nothing new starts
# Health says "alive for a second", not "done starting": wait for the stand-ins to report in.
wait_for 60 "the stand-ins to be ready" test -s "$work/seen/conductor.env" -a -s "$work/seen/compute.env" \
  -a -e "$work/seen/stubborn.ready"
check "a running process is not started twice" test "${#STARTED[@]}" -eq 0
check "every present process has a pid file" test "$(find "$NIMBUS_RUN" -name '*.pid' | wc -l)" -eq 4
check "a process whose entry is missing is reported, not started" grep -q "absent: not present yet" <<<"$out"
check "web answered its health check" grep -q "web: healthy" <<<"$out"
check "the conductor gets the database URL" grep -qx NIMBUS_DATABASE_URL "$work/seen/conductor.env"
check "compute does not get the database URL" bash -c "! grep -q NIMBUS_DATABASE_URL '$work/seen/compute.env'"
check "compute gets its config module's and the common settings, nothing else" diff <(printf '%s\n' NIMBUS_AMQP_URL NIMBUS_PROCESS NIMBUS_VIRT_TYPE) "$work/seen/compute.env"
check "no process gets the admin password" bash -c "! grep -q NIMBUS_ADMIN_PASSWORD '$work'/seen/*.env"

# The pid file holds the program itself: node, with no wrapper node process around it or under it
# (tsx's loader does start esbuild's service, a child that is not node).
argv_of() { tr '\0' ' ' <"/proc/$(<"$NIMBUS_RUN/$1.pid")/cmdline"; }
no_child() { ! pgrep -P "$(<"$NIMBUS_RUN/$1.pid")" "${@:2}" >/dev/null; }
check "a .js entry runs as node ENTRY ($(argv_of conductor))" test "$(argv_of conductor)" = "node $work/worker.js "
check "a .ts entry runs as node --import tsx ENTRY ($(argv_of web))" test "$(argv_of web)" = "node --import tsx $work/web.ts "
for name in conductor compute; do check "$name (.js) has no child process" no_child "$name"; done
for name in web stubborn; do check "$name (.ts) has no child node process" no_child "$name" -x node; done

pids=$(cat "$NIMBUS_RUN"/*.pid)
out=$(stop_processes 2>&1)
none_alive() { local p; for p in "$@"; do pid_alive "$p" && return 1; done; return 0; }
# shellcheck disable=SC2086
check "stop leaves no process behind" none_alive $pids
check "stop removes the pid files" test -z "$(ls -A "$NIMBUS_RUN")"
check "a process ignoring SIGTERM is killed after the grace period" grep -q "stubborn: killed after 2s" <<<"$out"
check "the others stop on SIGTERM" test "$(grep -c ': stopped' <<<"$out")" -eq 3

nimbus_processes() { nimbus_process crasher "$work/crash.ts" 'alive_for 5' ""; }
start_processes >/dev/null
out=$(wait_healthy 30 2>&1)
check "wait_healthy fails when a process exits during start-up" test $? -ne 0
check "and says which one" grep -q "crasher exited during start-up" <<<"$out"

exit $failed
