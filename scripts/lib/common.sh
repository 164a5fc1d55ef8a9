# Shared helpers for the host scripts. Source it; it defines functions and a few paths only.
# shellcheck shell=bash

NIMBUS_REPO=${NIMBUS_REPO:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
NIMBUS_ETC=/etc/nimbus
NIMBUS_ENV_FILE=$NIMBUS_ETC/nimbus.env
NIMBUS_RUN=/run/nimbus
NIMBUS_LOG=/var/log/nimbus
NIMBUS_CACHE=/var/cache/nimbus

# One line per step: "[tag] what it did". Scripts set LOG_TAG.
say() { printf '[%s] %s\n' "${LOG_TAG:-nimbus}" "$*"; }
die() { printf '[%s] ERROR: %s\n' "${LOG_TAG:-nimbus}" "$*" >&2; exit 1; }

# wait_for SECONDS DESCRIPTION COMMAND... — poll COMMAND until it succeeds or the deadline passes.
wait_for() {
  local timeout=$1 what=$2
  shift 2
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || { say "timed out after ${timeout}s waiting for $what"; return 1; }
    sleep 0.2
  done
}

require_root() { [[ $EUID -eq 0 ]] || die "run this as root"; }

# Reads the env file into SETTINGS (KEY -> value). Lines are KEY=value with no quoting, so a value
# may hold any character; the file is parsed rather than sourced.
declare -gA SETTINGS=()
load_settings() {
  local line
  [[ -r $NIMBUS_ENV_FILE ]] || die "$NIMBUS_ENV_FILE is missing: run scripts/setup-host.sh"
  while IFS= read -r line; do
    [[ $line =~ ^(NIMBUS_[A-Z0-9_]+)=(.*)$ ]] && SETTINGS[${BASH_REMATCH[1]}]=${BASH_REMATCH[2]}
  done <"$NIMBUS_ENV_FILE"
}

# settings_env GLOB... — prints KEY=value for each loaded setting matching a glob, for `env`.
settings_env() {
  local key glob
  for key in "${!SETTINGS[@]}"; do
    for glob in "$@"; do
      # shellcheck disable=SC2053 # the right side is a glob on purpose
      if [[ $key == $glob ]]; then printf '%s=%s\n' "$key" "${SETTINGS[$key]}" && break; fi
    done
  done
}

# The pid in NAME's pid file if that process is still the one up started: pids get reused, so
# the process must also carry NIMBUS_PROCESS=NAME in its environment (up sets it).
running_pid() {
  local pidfile=$NIMBUS_RUN/$1.pid pid
  [[ -f $pidfile ]] || return 1
  pid=$(<"$pidfile")
  [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null &&
    tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null | grep -qx "NIMBUS_PROCESS=$1" && echo "$pid"
}
