# Every service image, from one file: SERVICE names the workspace package (@soe/$SERVICE) and the
# image: controller, router, computer, wsk-computer, wsk-proxy or openwhisk-mock.
# Build from the repository root:  docker build --build-arg SERVICE=router -t soe/router .
# (compose.yaml and `pnpm test:images` do this; services/*/Dockerfile and the mock's are copies
# of this file with SERVICE's default set, written by scripts/dockerfiles.sh, so that
# `docker build -f services/router/Dockerfile .` works too: a Dockerfile cannot include another.)
# What differs between the images at run time (binary, bind addresses, health port) is in
# scripts/images/service-image.sh, their entry point and healthcheck.
ARG SERVICE=router

# ---- build: the whole workspace's dependencies, this package and its workspace deps built,
# ---- then a self-contained production bundle in /out.
FROM node:24-slim AS build
ENV CI=true npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
# pnpm pinned like the root package.json's packageManager; not through corepack, which fails
# on registries that serve no signatures.
RUN npm install -g pnpm@12.4.2
WORKDIR /repo
# pnpm fetch needs only the lockfile (and the patches it applies to dependencies): this layer
# (the downloads) is reused until they change, whatever else changes.
COPY pnpm-lock.yaml pnpm-workspace.yaml ./
COPY patches ./patches
RUN pnpm fetch
COPY . .
RUN pnpm install --offline --frozen-lockfile
# Declared here, after the layers every image shares (pnpm, the fetched store, the install).
ARG SERVICE
# pnpm's filter, not turbo's: turbo's "--filter=pkg..." selects the whole workspace here (every
# package depends on the root for turbo, and the root package.json lists the services as dev
# dependencies). Only this package and its production workspace dependencies get built; the
# generated code is committed, so no buf generate either.
RUN pnpm --filter-prod "@soe/${SERVICE}..." run build
# pnpm 12's deploy needs neither --legacy nor inject-workspace-packages: it copies the package
# ("files": dist, bin) and its workspace dependencies (their dist) into /out/node_modules/.pnpm
# as real folders, with the production dependencies only; /out runs anywhere.
RUN pnpm --filter "@soe/${SERVICE}" deploy --prod --offline /out \
 && cp scripts/images/service-image.sh /out/service-image.sh

# ---- runtime
FROM node:24-slim
# tini as PID 1: forwards SIGTERM/SIGINT to node (which drains and exits 0) and reaps zombies;
# -s keeps that true under another init (docker run --init, compose init: true).
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production
WORKDIR /app
# Owned by root: the service cannot rewrite its own code.
COPY --from=build /out /app
USER node
ARG SERVICE
ENV SOE_IMAGE_SERVICE=${SERVICE}
# Every service's ports (the service uses its own): controller 6475, router 6473 and 6474,
# computers 6473, proxy 20000, mock 3233.
EXPOSE 3233 6473 6474 6475 20000
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["/bin/sh", "/app/service-image.sh", "healthcheck"]
# service-image.sh execs node: tini's child is the service itself.
ENTRYPOINT ["/usr/bin/tini", "-s", "--", "/bin/sh", "/app/service-image.sh", "run"]
CMD []
