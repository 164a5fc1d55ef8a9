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
