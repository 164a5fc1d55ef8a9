#!/usr/bin/env bash
# Drives a Nimbus cloud end to end with the stock `openstack` CLI (python3-openstackclient 6.0):
# as the openrc's admin, a throwaway project with a member user, its quotas and a private flavor;
# as that member, a key pair and a server from the seeded tiny-linux image through create, list,
# show, reboot, stop, start and limits; as the admin, hypervisors and compute services; then
# everything deleted again. Prints `PASS <step>` per step; the first failure prints
# `FAIL <step>: <output>` and exits non-zero. What it made is deleted even then (trap), and names
# are unique per run, so it is safe to re-run and to point at a real deployment.
# Usage: scripts/cli/openstack-smoke.sh [OPENRC]   (default: ./openrc, as ./scripts/up writes it)
set -euo pipefail
shopt -s inherit_errexit

openrc=${1:-openrc}
if [[ ! -r $openrc ]]; then
  echo "FAIL setup: cannot read $openrc (./scripts/up writes ./openrc)"
  exit 1
fi
# shellcheck source=/dev/null
source "$openrc"

run_id=$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')
name=smoke-$run_id # the project, user, flavor, key pair and server all carry it
# Given on the command line (the CLI's only non-interactive way); the user lives for one run.
password=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
# A soft reboot waits up to 120 s for the guest to power off before it turns hard (Nova's
# wait_soft_reboot_seconds); a stop waits 60 s. Give both room on a slow TCG host.
WAIT_TIMEOUT=300
# `server create --wait` and `server delete --wait` poll without a deadline of their own.
COMMAND_TIMEOUT=600
workdir=$(mktemp -d)
touch "$workdir/made"

# openstack ARGS..., bounded in time.
os() {
  local rc=0
  timeout "$COMMAND_TIMEOUT" openstack "$@" || rc=$?
  ((rc != 124)) || echo "timed out after ${COMMAND_TIMEOUT}s: openstack $*" >&2
  return "$rc"
}
admin() { os "$@"; }
# The same cloud as the new member user in the new project (the user and project are created in
# the admin's domain, Default).
member() (
  unset OS_PROJECT_ID OS_TENANT_ID OS_TENANT_NAME OS_USER_ID OS_USER_DOMAIN_ID OS_PROJECT_DOMAIN_ID OS_TOKEN OS_CLOUD
  export OS_USERNAME=$name OS_PASSWORD=$password OS_PROJECT_NAME=$name
  export OS_USER_DOMAIN_NAME=Default OS_PROJECT_DOMAIN_NAME=Default
  os "$@"
)

# Kinds of things this run may have made (recorded before each create, for the cleanup).
made() { echo "$1" >>"$workdir/made"; }
was_made() { grep -qx "$1" "$workdir/made"; }

fail() {
  echo "$*"
  return 1
}

# step NAME FUNCTION: runs FUNCTION with errexit in a subshell, so its first failing command ends
# it; prints PASS, or FAIL with what it printed (continuation lines indented) and exits.
step() {
  local out rc
  set +e
  out=$(
    set -e
    "$2" 2>&1
  )
  rc=$?
  set -e
  if ((rc == 0)); then
    echo "PASS $1"
  else
    echo "FAIL $1: $(sed '2,$s/^/    /' <<<"${out:-exit status $rc}")"
    exit 1
  fi
}

# field NAME <<< "$(... -f shell)": one value of the CLI's shell format (name="value").
field() { sed -n "s/^$1=\"\(.*\)\"\$/\1/p"; }

# The CLI has no --wait for reboot, stop and start: poll until the status is WANT with no task.
wait_for_status() { # WANT
  local deadline=$((SECONDS + WAIT_TIMEOUT)) state status task
  for (( ; ; )); do
    state=$(member server show "$name" -f shell -c status -c OS-EXT-STS:task_state)
    status=$(field status <<<"$state")
    task=$(field os_ext_sts_task_state <<<"$state")
    [[ $status == "$1" && $task == None ]] && return 0
    [[ $status != ERROR ]] || fail "server $name is in ERROR: $(member server show "$name" -f value -c fault)"
    ((SECONDS < deadline)) || fail "server $name not $1 after ${WAIT_TIMEOUT}s (status $status, task state $task)"
    sleep 1
  done
}

create_project() {
  made project
  admin project create --domain Default --description "scripts/cli/openstack-smoke.sh $run_id" "$name" >/dev/null
}

create_member_user() {
  made user
  admin user create --domain Default --project "$name" --password "$password" "$name" >/dev/null
  admin role add --project "$name" --user "$name" member
  [[ $(member token issue -f value -c project_id) == $(admin project show "$name" -f value -c id) ]] ||
    fail "the member's token is not scoped to project $name"
}

set_quotas() {
  admin quota set --instances 2 --cores 2 --ram 1024 --key-pairs 2 "$name"
  local quotas
  quotas=$(admin quota show "$name" -f shell -c instances -c cores -c ram)
  [[ $(field instances <<<"$quotas")/$(field cores <<<"$quotas")/$(field ram <<<"$quotas") == 2/2/1024 ]] ||
    fail "quotas not applied: $quotas"
}

# Private, shared with the new project only: nobody else on a real deployment sees it.
create_flavor() {
  made flavor
  admin flavor create --ram 256 --disk 1 --vcpus 1 --private --project "$name" "$name" >/dev/null
}

# Key pairs belong to the user who makes them, so the member makes the one its server boots with.
create_key_pair() {
  made keypair
  member keypair create --private-key "$workdir/key" "$name" >/dev/null
  [[ -s $workdir/key ]] || fail "no private key written"
}

# OSC 6.0 defaults to compute 2.1, where a create without networks would ask for one; 2.37 is
# where `--nic none` (no network service in the catalog) appears.
create_server() {
  made server
  local server
  server=$(member --os-compute-api-version 2.37 server create --image tiny-linux --flavor "$name" \
    --key-name "$name" --nic none --wait "$name" -f shell -c status -c image)
  [[ $(field status <<<"$server") == ACTIVE ]] || fail "not ACTIVE after --wait: $server"
  [[ $(field image <<<"$server") == "tiny-linux ("* ]] || fail "not booted from tiny-linux: $server"
}

list_servers() {
  local servers
  servers=$(member server list -f value -c Name -c Status)
  [[ $servers == "$name ACTIVE" ]] || fail "expected only $name ACTIVE in the project, got: $servers"
}

show_server() {
  local server
  server=$(member server show "$name" -f shell -c status -c flavor -c key_name -c image)
  [[ $(field status <<<"$server") == ACTIVE && $(field key_name <<<"$server") == "$name" &&
    $(field flavor <<<"$server") == "$name ("* && $(field image <<<"$server") == "tiny-linux ("* ]] ||
    fail "unexpected server: $server"
}

reboot_server() {
  member server reboot "$name"
  wait_for_status ACTIVE
}

stop_server() {
  member server stop "$name"
  wait_for_status SHUTOFF
}

start_server() {
  member server start "$name"
  wait_for_status ACTIVE
}

# The quotas set above, and this one server counted against them.
show_limits() {
  local limits got
  limits=$(member limits show --absolute -f value)
  got=$(awk '{ v[$1] = $2 } END { print v["maxTotalInstances"], v["maxTotalCores"], v["maxTotalRAMSize"], v["totalInstancesUsed"], v["totalCoresUsed"], v["totalRAMUsed"] }' <<<"$limits")
  [[ $got == "2 2 1024 1 1 256" ]] || fail "limits (max instances/cores/RAM, used instances/cores/RAM) are $got, expected 2 2 1024 1 1 256"
}

list_hypervisors() {
  local hypervisors
  hypervisors=$(admin hypervisor list -f value -c "Hypervisor Hostname" -c State)
  grep -q ' up$' <<<"$hypervisors" || fail "no hypervisor up: $hypervisors"
}

list_compute_services() {
  local services binary
  services=$(admin compute service list -f value -c Binary -c Status -c State)
  for binary in nova-conductor nova-scheduler nova-compute; do
    grep -qx "$binary enabled up" <<<"$services" || fail "no $binary enabled and up: $services"
  done
}

delete_server() {
  member server delete --wait "$name"
  sed -i '/^server$/d' "$workdir/made"
  [[ -z $(member server list -f value -c Name) ]] || fail "server $name still listed"
}

delete_flavor() {
  admin flavor delete "$name"
  sed -i '/^flavor$/d' "$workdir/made"
}

delete_key_pair() {
  member keypair delete "$name"
  sed -i '/^keypair$/d' "$workdir/made"
  [[ -z $(member keypair list -f value -c Name) ]] || fail "key pair $name still listed"
}

# Deletes whatever the run made and did not delete itself (always the user and the project),
# newest first; anything it cannot delete is named in a FAIL line.
cleanup() {
  local rc=$? left=()
  trap - EXIT
  set +e
  if was_made server && member server show "$name" >/dev/null 2>&1; then
    member server delete --wait "$name" >/dev/null 2>&1 || left+=("server")
  fi
  if was_made keypair && member keypair show "$name" >/dev/null 2>&1; then
    member keypair delete "$name" >/dev/null 2>&1 || left+=("key pair")
  fi
  if was_made flavor && admin flavor show "$name" >/dev/null 2>&1; then
    admin flavor delete "$name" >/dev/null 2>&1 || left+=("flavor")
  fi
  if was_made user && admin user show "$name" >/dev/null 2>&1; then
    admin user delete "$name" >/dev/null 2>&1 || left+=("user")
  fi
  if was_made project && admin project show "$name" >/dev/null 2>&1; then
    admin project delete "$name" >/dev/null 2>&1 || left+=("project")
  fi
  rm -rf "$workdir"
  if ((${#left[@]} == 0)); then
    echo "PASS clean up"
  else
    echo "FAIL clean up: could not delete ${left[*]} $name"
    rc=1
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'echo "FAIL interrupted (SIGINT)"; exit 130' INT
trap 'echo "FAIL interrupted (SIGTERM)"; exit 143' TERM

step "create project" create_project
step "create member user" create_member_user
step "set quotas" set_quotas
step "create flavor" create_flavor
step "create key pair (member)" create_key_pair
step "create server --wait (member)" create_server
step "list servers (member)" list_servers
step "show server (member)" show_server
step "reboot server (member)" reboot_server
step "stop server (member)" stop_server
step "start server (member)" start_server
step "show limits (member)" show_limits
step "list hypervisors (admin)" list_hypervisors
step "list compute services (admin)" list_compute_services
step "delete server --wait (member)" delete_server
step "delete flavor" delete_flavor
step "delete key pair (member)" delete_key_pair
