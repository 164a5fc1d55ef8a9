#!/usr/bin/env bash
# Keeps README.md's settings table true: every NIMBUS_* setting declared in a config module
# (config.ts / env.ts) has a row, and every row names a setting that the code or scripts still use.
# Prints one PASS/FAIL line per setting.
set -uo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$repo" || exit 1

# Settings are the keys of the zod shapes: `  NIMBUS_X: z...` at the start of a line. Build output
# is left out: its directories come and go while a stack builds (apps/workers/dist), and find
# walking one as it is renamed was seen to miss config modules beside it.
mapfile -t declared < <(find apps packages e2e \( -name node_modules -o -name generated -o -name dist \
  -o -name .next -o -name test-results \) -prune -o -type f \( -name config.ts -o -name env.ts \) -print0 |
  xargs -0 -r grep -hoE '^\s*NIMBUS_[A-Z0-9_]+\s*:' | grep -oE 'NIMBUS_[A-Z0-9_]+' | sort -u)
# The table's rows start with | `NIMBUS_X` |.
mapfile -t documented < <(grep -oE '^\| `NIMBUS_[A-Z0-9_]+`' README.md | grep -oE 'NIMBUS_[A-Z0-9_]+' | sort -u)

failed=0
((${#declared[@]} > 0)) || { echo "FAIL found no config modules declaring NIMBUS_* settings"; exit 1; }
for name in "${declared[@]}"; do
  if printf '%s\n' "${documented[@]}" | grep -qx "$name"; then
    echo "PASS $name is in README.md's settings table"
  else
    echo "FAIL $name is declared in a config module but missing from README.md's settings table"
    failed=1
  fi
done
for name in "${documented[@]}"; do
  printf '%s\n' "${declared[@]}" | grep -qx "$name" && continue
  if grep -rqw --exclude-dir=node_modules --exclude-dir=tests -- "$name" scripts; then
    echo "PASS $name (a setting of the scripts) is used by scripts/"
  else
    echo "FAIL README.md lists $name, which no config module or script uses any more"
    failed=1
  fi
done
exit $failed
