#!/usr/bin/env bash
# The stock openstack CLI and openstacksdk (scripts/cli/) against a fresh stack with a real guest,
# through e2e/stack/cli.ts; prints their PASS/FAIL lines.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../../.."
exec npx tsx e2e/stack/cli.ts
