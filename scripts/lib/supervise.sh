# Starting, health-waiting and stopping the processes of lib/processes.sh, without systemd:
# one session per process (setsid), a pid file in $NIMBUS_RUN, a log in $NIMBUS_LOG.
# Needs lib/common.sh and lib/processes.sh sourced, and SETTINGS loaded (load_settings). Run it
# from the repo root: the paths in lib/processes.sh and node's `--import tsx` resolve from there.
# shellcheck shell=bash

# Alive and not a zombie waiting to be reaped.
pid_alive() {
  local stat
  stat=$(ps -o stat= -p "$1" 2>/dev/null) && [[ $stat != Z* ]]
}

# Health checks used in lib/processes.sh. $PID is the process's pid; settings are shell variables.
alive_for() { # SECONDS: still running SECONDS after it started (for processes without a probe)
  pid_alive "$PID" && (($(ps -o etimes= -p "$PID") >= $1))
}
http_ok() { curl -fsS -o /dev/null --max-time 2 "$1"; }

# The settings NAME receives (see SETTINGS in lib/processes.sh), and the database URL only if NAME
# is one of NIMBUS_DATABASE_PROCESSES. Relative module paths are from the current directory.
process_env() { # NAME SETTINGS
  local name=$1 word words globs=() line
  read -ra words <<<"$NIMBUS_COMMON_SETTINGS $2"
  for word in "${words[@]}"; do
    if [[ $word == *.ts ]]; then
      [[ -f $word ]] && mapfile -t -O "${#globs[@]}" globs < <(config_keys "$word")
    else
      globs+=("$word")
    fi
  done
  while IFS= read -r line; do
    [[ $line == NIMBUS_DATABASE_URL=* && " $NIMBUS_DATABASE_PROCESSES " != *" $name "* ]] && continue
    echo "$line"
  done < <(settings_env "${globs[@]}")
}

# The settings a config module declares: the keys of its zod shape, `  NIMBUS_X: ...`.
config_keys() { grep -oE '^\s*NIMBUS_[A-Z0-9_]+\s*:' "$1" | grep -oE 'NIMBUS_[A-Z0-9_]+'; }

STARTED=()
start_processes() {
  STARTED=()
  mkdir -p "$NIMBUS_RUN" "$NIMBUS_LOG"
  nimbus_process() {
    local name=$1 entry=$2 pid env_lines=()
    if pid=$(running_pid "$name"); then
      say "$name: already running (pid $pid)"
      return
    fi
    if [[ ! -f $entry ]]; then
      say "$name: not present yet ($entry)"
      return
    fi
    mapfile -t env_lines < <(process_env "$name" "$4")
    # node itself either way, so the pid recorded is the program's and signals reach it directly
    # (the .bin/tsx CLI was a second node process relaying them).
    local cmd=(node "$entry")
    [[ $entry == *.ts ]] && cmd=(node --import tsx "$entry")
    echo "=== $(date -Is) starting $name: ${cmd[*]}" >>"$NIMBUS_LOG/$name.log"
    # A session of its own: no terminal to hang up on, and stop can signal the whole group.
    env -i PATH="$PATH" HOME="${HOME:-/root}" LANG=C.UTF-8 NODE_ENV=production NIMBUS_PROCESS="$name" \
      "${env_lines[@]}" setsid "${cmd[@]}" >>"$NIMBUS_LOG/$name.log" 2>&1 </dev/null &
    echo $! >"$NIMBUS_RUN/$name.pid"
    say "$name: started (pid $!, settings: $(printf '%s\n' "${env_lines[@]%%=*}" | sort | xargs), log: $NIMBUS_LOG/$name.log)"
    STARTED+=("$name")
  }
  nimbus_processes
}

# Runs a health command with the settings as local shell variables.
healthy() {
  local key
  for key in "${!SETTINGS[@]}"; do local "$key=${SETTINGS[$key]}"; done
  eval "$1"
}

# Waits, with a deadline, for each process start_processes started; fails on the first that exits
# or stays unhealthy, showing its log's tail.
wait_healthy() {
  local timeout=${1:-120}
  nimbus_process() {
    local name=$1 health=$3 PID deadline=$((SECONDS + timeout))
    [[ " ${STARTED[*]} " == *" $name "* ]] || return 0
    PID=$(<"$NIMBUS_RUN/$name.pid")
    until healthy "$health" >/dev/null 2>&1; do
      if ! pid_alive "$PID"; then
        tail -n 30 "$NIMBUS_LOG/$name.log" >&2
        say "$name exited during start-up (log: $NIMBUS_LOG/$name.log)"
        return 1
      fi
      if ((SECONDS >= deadline)); then
        say "$name is not healthy after ${timeout}s ($health; log: $NIMBUS_LOG/$name.log)"
        return 1
      fi
      sleep 0.5
    done
    say "$name: healthy"
  }
  nimbus_processes
}

# stop_process NAME — SIGTERM to the process, then SIGKILL to its whole session (what it spawned
# too: virsh, qemu-img) if anything of it is left after the grace period.
STOP_GRACE=${STOP_GRACE:-15}
stop_process() {
  local name=$1 pid
  if ! pid=$(running_pid "$name"); then
    [[ -f $NIMBUS_RUN/$name.pid ]] && say "$name: not running (stale pid file removed)"
    rm -f "$NIMBUS_RUN/$name.pid"
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  if wait_for "$STOP_GRACE" "$name to exit" session_gone "$pid"; then
    say "$name: stopped (pid $pid)"
  else
    pkill -KILL -s "$pid" 2>/dev/null || true
    wait_for 10 "$name to die" session_gone "$pid" || true
    say "$name: killed after ${STOP_GRACE}s (pid $pid)"
  fi
  rm -f "$NIMBUS_RUN/$name.pid"
}
# Nothing left in the session but zombies (which a container's pid 1 may never reap).
session_gone() { ! ps -o stat= --sid "$1" 2>/dev/null | grep -qv '^Z'; }

# Stops in reverse start order, then anything else with a pid file (a process since removed from
# the list).
stop_processes() {
  local names=() i pidfile
  nimbus_process() { names+=("$1"); }
  nimbus_processes
  for ((i = ${#names[@]} - 1; i >= 0; i--)); do stop_process "${names[i]}"; done
  for pidfile in "$NIMBUS_RUN"/*.pid; do
    [[ -e $pidfile ]] && stop_process "$(basename "$pidfile" .pid)"
  done
  return 0
}
