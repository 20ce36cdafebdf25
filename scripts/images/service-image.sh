#!/bin/sh
# The service images' entry point and healthcheck (see /Dockerfile): what differs between the
# images, by $SOE_IMAGE_SERVICE (the build argument SERVICE). `service-image.sh run [ARGS...]`
# runs the binary, bound to 0.0.0.0; `service-image.sh healthcheck` asks GET /healthz on its main
# port.
set -eu

# service → binary, then the options that bind it (OPTION=default ...), and the option whose
# value the healthcheck takes its port from.
case "${SOE_IMAGE_SERVICE:-}" in
  controller) bin=edgecontroller listen="SERVER_ENDPOINT=0.0.0.0:6475" health=SERVER_ENDPOINT ;;
  router)
    bin=edgerouter listen="SERVER_ENDPOINT=0.0.0.0:6473 CONFIGURATION_ENDPOINT=0.0.0.0:6474"
    health=SERVER_ENDPOINT
    ;;
  computer) bin=edgecomputer listen="SERVER_ENDPOINT=0.0.0.0:6473" health=SERVER_ENDPOINT ;;
  wsk-computer) bin=edgecomputerwsk listen="SERVER_ENDPOINT=0.0.0.0:6473" health=SERVER_ENDPOINT ;;
  wsk-proxy) bin=wskproxy listen="WSK_API_ROOT=http://0.0.0.0:20000" health=WSK_API_ROOT ;;
  openwhisk-mock) bin=openwhisk-mock listen="HOST=0.0.0.0 PORT=3233" health=PORT ;;
  *)
    echo "service-image.sh: unknown SOE_IMAGE_SERVICE '${SOE_IMAGE_SERVICE:-}'" >&2
    exit 2
    ;;
esac
# The binary's own variables (SOE_EDGEROUTER_SERVER_ENDPOINT, …; packages/runtime options.ts).
prefix="SOE_$(echo "$bin" | tr 'a-z-' 'A-Z_')_"

# Bind addresses come through the environment, not flags, so that `docker run IMAGE --opt x`
# keeps them; a flag still overrides. A default is set only when the option is set neither by its
# name nor by its deprecated shared name (SOE_SERVER_ENDPOINT), so that one still works, warned.
for pair in $listen; do
  option=${pair%%=*}
  eval "given=\${$prefix$option:-}\${SOE_$option:-}"
  [ -n "$given" ] || export "$prefix$option=${pair#*=}"
done

mode=${1:-run}
[ $# -eq 0 ] || shift
case "$mode" in
  run) exec node "/app/bin/$bin.js" "$@" ;;
  healthcheck)
    # No curl in slim images: node's fetch. The port of host:port, of a URL, or a bare port.
    eval "where=\${$prefix$health:-\${SOE_$health:-}}"
    exec node -e "
      const v = process.argv[1];
      const port = /^\d+$/.test(v) ? v : v.includes('://') ? new URL(v).port || 80 : v.split(':').pop();
      fetch('http://127.0.0.1:' + port + '/healthz', { signal: AbortSignal.timeout(2500) })
        .then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1));
    " "$where"
    ;;
  *)
    echo "service-image.sh: unknown mode '$mode' (run or healthcheck)" >&2
    exit 2
    ;;
esac
