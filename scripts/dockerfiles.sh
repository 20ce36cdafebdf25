#!/usr/bin/env bash
# Writes each service's Dockerfile (services/*/Dockerfile, packages/openwhisk-mock/Dockerfile) from
# the one at the root: the same file with SERVICE's default set to the service, so that
# `docker build -f services/router/Dockerfile .` builds the router without a build argument.
# Dockerfiles have no include, so these copies are generated, never edited.
#   bash scripts/dockerfiles.sh           rewrite them
#   bash scripts/dockerfiles.sh --check   fail if one differs from what this would write
set -euo pipefail
cd "$(dirname "$0")/.."
declare -A DIR=(
  [controller]=services/controller [router]=services/router [computer]=services/computer
  [wsk-computer]=services/wsk-computer [wsk-proxy]=services/wsk-proxy
  [openwhisk-mock]=packages/openwhisk-mock
)
grep -qx 'ARG SERVICE=router' Dockerfile || { echo "Dockerfile: no 'ARG SERVICE=router' line" >&2; exit 1; }
stale=()
for service in "${!DIR[@]}"; do
  target=${DIR[$service]}/Dockerfile
  text=$(
    echo "# GENERATED from /Dockerfile by scripts/dockerfiles.sh (SERVICE=$service): edit that one."
    sed "s/^ARG SERVICE=router\$/ARG SERVICE=$service/" Dockerfile
  )
  if [ "${1:-}" = "--check" ]; then
    [ "$text" = "$(cat "$target" 2>/dev/null)" ] || stale+=("$target")
  else
    printf '%s\n' "$text" >"$target"
  fi
done
if [ ${#stale[@]} -gt 0 ]; then
  echo "stale (run bash scripts/dockerfiles.sh): ${stale[*]}" >&2
  exit 1
fi
