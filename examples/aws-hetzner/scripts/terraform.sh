#!/usr/bin/env bash
# Manual Terraform operations, as in the plan:
#   ./scripts/terraform.sh shared apply
#   ./scripts/terraform.sh web-server plan
#   ./scripts/terraform.sh web-server tofu state list
set -euo pipefail
if [ $# -lt 2 ]; then
  echo "usage: $0 <workspace> <plan|apply|destroy|output|tofu ...> [args...]" >&2
  exit 2
fi
workspace=$1 command=$2
shift 2
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if ! command -v clan-terranix >/dev/null; then
  echo "terraform.sh: clan-terranix is not on PATH (nix run github:clan-terranix/clan-terranix, or scripts/bootstrap in its repository)" >&2
  exit 127
fi
if [ "$command" = tofu ]; then
  exec clan-terranix --clan "$root" tofu "$workspace" -- "$@"
fi
exec clan-terranix --clan "$root" "$command" "$workspace" "$@"
