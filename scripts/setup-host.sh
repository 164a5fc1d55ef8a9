#!/usr/bin/env bash
# Installs and starts everything Nimbus needs on a Debian 12 machine (as root, no systemd), then
# installs the npm workspace. Idempotent: every step checks first and says "already done" when it
# skips, so a re-run with everything in place takes a few seconds.
set -euo pipefail
LOG_TAG=setup
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
require_root

APT_PACKAGES=(
  mariadb-server rabbitmq-server
  libvirt-daemon-system libvirt-clients libvirt-dev qemu-system-x86 qemu-utils
  chromium python3-openstackclient python3-openstacksdk
  # npm ci builds @unraid/libvirt's native addon against libvirt-dev
  pkg-config g++ make python3
  # the guest image build, the health checks and these scripts
  cpio gzip openssl curl procps
)

step_apt() {
  local installed missing
  # shellcheck disable=SC2016
  installed=$(dpkg-query -W -f='${Package} ${db:Status-Abbrev}\n' "${APT_PACKAGES[@]}" 2>/dev/null || true)
  missing=$(printf '%s\n' "${APT_PACKAGES[@]}" | sort |
    comm -23 - <(awk '$2 == "ii" { print $1 }' <<<"$installed" | sort) | xargs)
  if [[ -z $missing ]]; then
    say "apt packages (${#APT_PACKAGES[@]}): already done"
    return
  fi
  say "apt packages: installing $missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $missing >/dev/null
}

# QEMU must run as root in this sandbox (else "Permission denied" on /dev/kvm); libvirtd reads
# qemu.conf only at start, so a running libvirtd with other settings is restarted below.
LIBVIRT_RESTART=0
step_qemu_conf() {
  local conf=/etc/libvirt/qemu.conf
  if grep -qx 'user = "root"' "$conf" && grep -qx 'group = "root"' "$conf"; then
    say "$conf runs QEMU as root: already done"
    return
  fi
  sed -i -E '/^(user|group) *=/d' "$conf"
  printf 'user = "root"\ngroup = "root"\n' >>"$conf"
  say "$conf: set user/group to root"
  pgrep -x libvirtd >/dev/null && LIBVIRT_RESTART=1
  return 0
}

mariadb_answers() { mariadb-admin --silent ping >/dev/null 2>&1; }
step_mariadb() {
  if pgrep -x mariadbd >/dev/null && mariadb_answers; then
    say "MariaDB: already running"
    return
  fi
  mkdir -p /run/mysqld
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd -- --user=root
  wait_for 30 "MariaDB's socket" mariadb_answers || die "MariaDB did not start (see /var/log/mysql/error.log or its stderr)"
  say "MariaDB: started"
}

rabbitmq_answers() { rabbitmqctl -q status >/dev/null 2>&1; }
management_answers() { curl -fsS -o /dev/null -u guest:guest http://127.0.0.1:15672/api/overview 2>/dev/null; }
step_rabbitmq() {
  # The management API answering means the broker is up too, and it is much cheaper to ask than
  # rabbitmqctl (which boots an Erlang VM per call).
  if pgrep -f 'beam.*-s rabbit boot' >/dev/null && management_answers; then
    say "RabbitMQ + management plugin: already running"
    return
  fi
  if ! pgrep -f 'beam.*-s rabbit boot' >/dev/null; then
    rabbitmq-server -detached >/dev/null 2>&1
    wait_for 60 "RabbitMQ" rabbitmq_answers || die "RabbitMQ did not start (see /var/log/rabbitmq/)"
    say "RabbitMQ: started"
  fi
  if ! management_answers; then
    rabbitmq-plugins -q enable rabbitmq_management >/dev/null
    wait_for 60 "the RabbitMQ management API" management_answers || die "the management API on :15672 does not answer"
    say "RabbitMQ management plugin: enabled, API on 127.0.0.1:15672"
  fi
}

libvirt_answers() { virsh -c qemu:///system version >/dev/null 2>&1; }
step_libvirt() {
  if ((LIBVIRT_RESTART)); then
    say "libvirtd: restarting for the new qemu.conf"
    local pid
    pid=$(cat /run/libvirtd.pid 2>/dev/null || pgrep -x libvirtd | head -1)
    kill -TERM "$pid"
    wait_for 30 "libvirtd to exit" bash -c "! kill -0 $pid" || die "libvirtd (pid $pid) did not exit"
  fi
  # A libvirtd started with -d can exit later on its own, so this step always checks.
  if pgrep -x virtlogd >/dev/null && pgrep -x libvirtd >/dev/null && libvirt_answers; then
    say "virtlogd + libvirtd: already running"
    return
  fi
  pgrep -x virtlogd >/dev/null || virtlogd -d
  pgrep -x libvirtd >/dev/null || libvirtd -d
  wait_for 30 "libvirtd" libvirt_answers || die "libvirtd does not answer on qemu:///system"
  say "virtlogd + libvirtd: started ($(virsh -c qemu:///system version --daemon | awk '/daemon/ { print $NF }'))"
}

# /etc/nimbus/nimbus.env is the single configuration file: every process gets its settings from it.
# Values already there are kept (the admin and service passwords are generated once); settings
# added to this list later are appended on the next run.
step_config() {
  local db_password admin_password service_password created=0 added=()
  mkdir -p "$NIMBUS_ETC"
  if [[ ! -f $NIMBUS_ENV_FILE ]]; then
    created=1
    (umask 077 && printf '%s\n' \
      "# Nimbus settings, one KEY=value a line (every setting and its default: README.md)." \
      "# ./scripts/up passes each process only the settings it needs (scripts/lib/processes.sh)." \
      >"$NIMBUS_ENV_FILE")
  fi
  chmod 600 "$NIMBUS_ENV_FILE"
  db_password=${NIMBUS_DB_PASSWORD:-nimbus}
  admin_password=$(openssl rand -hex 12)
  service_password=$(openssl rand -hex 12)
  local key value
  while IFS='=' read -r key value; do
    grep -q "^$key=" "$NIMBUS_ENV_FILE" && continue
    echo "$key=$value" >>"$NIMBUS_ENV_FILE"
    added+=("$key")
  done <<EOF
NIMBUS_DATABASE_URL=mysql://nimbus:$db_password@127.0.0.1:3306/nimbus
NIMBUS_AMQP_URL=amqp://guest:guest@127.0.0.1:5672/
NIMBUS_ADMIN_PASSWORD=$admin_password
NIMBUS_SERVICE_PASSWORD=$service_password
NIMBUS_WEB_PORT=8080
NIMBUS_IMAGES_DIR=/var/lib/nimbus/images
NIMBUS_SEED_IMAGE=$NIMBUS_CACHE/tiny-linux.qcow2
NIMBUS_LOG_LEVEL=info
EOF
  if ((created)); then
    say "$NIMBUS_ENV_FILE: written (mode 600, admin and service passwords generated)"
  elif ((${#added[@]})); then
    say "$NIMBUS_ENV_FILE: added ${added[*]}"
  else
    say "$NIMBUS_ENV_FILE: already done"
  fi
}

# Reads one setting from the env file without sourcing it into this shell.
setting() { sed -n "s/^$1=//p" "$NIMBUS_ENV_FILE" | tail -1; }

step_database() {
  local url user password host port name
  url=$(setting NIMBUS_DATABASE_URL)
  [[ $url =~ ^mysql://([^:@/]+):([^@/]*)@([^:/]+):?([0-9]*)/([A-Za-z0-9_]+) ]] ||
    die "NIMBUS_DATABASE_URL in $NIMBUS_ENV_FILE is not mysql://user:password@host:port/database"
  user=${BASH_REMATCH[1]} password=${BASH_REMATCH[2]} host=${BASH_REMATCH[3]}
  port=${BASH_REMATCH[4]:-3306} name=${BASH_REMATCH[5]}
  if MYSQL_PWD=$password mariadb -h "$host" -P "$port" -u "$user" -e "USE \`$name\`" 2>/dev/null &&
    [[ $(mariadb -N -e "SELECT COUNT(*) FROM mysql.user WHERE user = '$user' AND host IN ('localhost', '127.0.0.1')") == 2 ]]; then
    say "database $name, user $user@localhost/127.0.0.1: already done"
    return
  fi
  # root logs in through the unix socket; tests create and drop nimbus_test_* databases, hence *.*.
  mariadb <<SQL
CREATE DATABASE IF NOT EXISTS \`$name\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS '$user'@'localhost' IDENTIFIED BY '$password';
CREATE USER IF NOT EXISTS '$user'@'127.0.0.1' IDENTIFIED BY '$password';
ALTER USER '$user'@'localhost' IDENTIFIED BY '$password';
ALTER USER '$user'@'127.0.0.1' IDENTIFIED BY '$password';
GRANT ALL PRIVILEGES ON *.* TO '$user'@'localhost';
GRANT ALL PRIVILEGES ON *.* TO '$user'@'127.0.0.1';
SQL
  say "database $name, user $user@localhost/127.0.0.1 with ALL PRIVILEGES: created"
}

step_directories() {
  local dirs=(/var/lib/nimbus/images /var/lib/nimbus/instances /var/lib/nimbus/_base "$NIMBUS_LOG" "$NIMBUS_CACHE" "$NIMBUS_RUN")
  local d missing=()
  for d in "${dirs[@]}"; do [[ -d $d ]] || missing+=("$d"); done
  if ((${#missing[@]} == 0)); then
    say "directories: already done"
    return
  fi
  mkdir -p "${missing[@]}"
  say "directories: created ${missing[*]}"
}

step_guest_image() { "$(dirname "${BASH_SOURCE[0]}")/build-guest-image.sh"; }

# Stamps live in node_modules, so they vanish with the install they describe.
STAMPS=$NIMBUS_REPO/node_modules/.cache/nimbus
hash_files() { cat "$@" 2>/dev/null | sha256sum | cut -c1-16; }

# node_modules matches package-lock.json when npm's own record of the tree (the hidden lockfile)
# has every non-optional package of it at the same version: true after someone else's
# `npm install <pkg>`, which must not trigger an `npm ci` that wipes the tree under running work.
node_modules_in_sync() {
  node -e '
    const fs = require("node:fs");
    const lock = JSON.parse(fs.readFileSync("package-lock.json", "utf8")).packages;
    const tree = JSON.parse(fs.readFileSync("node_modules/.package-lock.json", "utf8")).packages;
    const stale = Object.entries(lock).some(([path, p]) => path !== "" &&
      (tree[path] ? tree[path].version !== p.version : !p.optional && !p.peer));
    process.exit(stale || Object.keys(tree).some((path) => !(path in lock)) ? 1 : 0);
  ' 2>/dev/null
}

step_npm() {
  cd "$NIMBUS_REPO"
  local want
  want=$(hash_files package-lock.json)
  if [[ -d node_modules && $(cat "$STAMPS/npm-ci" 2>/dev/null) == "$want" ]]; then
    say "npm ci: already done (package-lock.json unchanged)"
  elif [[ -d node_modules ]] && node_modules_in_sync; then
    mkdir -p "$STAMPS" && echo "$want" >"$STAMPS/npm-ci"
    say "npm ci: already done (node_modules matches package-lock.json)"
  else
    say "npm ci: installing the workspace (package-lock.json changed or node_modules missing)"
    # Native addons (@unraid/libvirt) build against the headers Node ships in /usr/include/node,
    # since node-gyp cannot download them here. The lock is the one every engineer's install takes.
    [[ -f /usr/include/node/node_api.h ]] && export npm_config_nodedir=/usr
    local log=$NIMBUS_LOG/setup-npm.log
    if ! flock /tmp/nimbus-npm.lock npm ci --no-audit --no-fund --loglevel=error >"$log" 2>&1; then
      # NOTE: the registry these machines reach lacks some other platforms' optional packages
      # (@turbo/darwin-64 ...), so the lock cannot list them and npm ci calls it out of sync before
      # touching anything. npm install --no-save installs the same locked versions and writes nothing.
      grep -q 'can only install packages when your package.json and package-lock.json' "$log" ||
        { cat "$log" >&2; die "npm ci failed (log: $log)"; }
      say "npm ci: refused the lock ($(grep -m1 -o 'Missing: [^ ]*' "$log")...): npm install --no-save instead"
      flock /tmp/nimbus-npm.lock npm install --no-save --no-audit --no-fund --loglevel=error >>"$log" 2>&1 ||
        { cat "$log" >&2; die "npm install failed (log: $log)"; }
    fi
    mkdir -p "$STAMPS" && echo "$want" >"$STAMPS/npm-ci"
  fi
}

step_db_client() {
  cd "$NIMBUS_REPO"
  if ! node -e 'process.exit(require("./packages/db/package.json").scripts?.build ? 0 : 1)' 2>/dev/null; then
    say "@nimbus/db build: not present yet"
    return
  fi
  local want
  want=$(hash_files package-lock.json packages/db/package.json packages/db/prisma/schema.prisma packages/db/scripts/*)
  if [[ -d packages/db/src/generated && $(cat "$STAMPS/db-build" 2>/dev/null) == "$want" ]]; then
    say "@nimbus/db build (prisma generate): already done"
    return
  fi
  local log=$NIMBUS_LOG/setup-db-build.log
  npm run build -w @nimbus/db >"$log" 2>&1 || { cat "$log"; die "@nimbus/db build failed"; }
  mkdir -p "$STAMPS" && echo "$want" >"$STAMPS/db-build"
  say "@nimbus/db build (prisma generate): done"
}

step_apt
step_qemu_conf
step_mariadb
step_rabbitmq
step_libvirt
step_config
step_database
step_directories
step_guest_image
step_npm
step_db_client
say "host ready"
