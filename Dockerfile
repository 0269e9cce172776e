# The Ghost Threads relay. Build: docker build -t ghost-threads-relay .
# Run:   docker run -p 127.0.0.1:4040:4040 -p 127.0.0.1:4041:4041 -v ghost-relay:/data ghost-threads-relay
# Put a TLS proxy in front of port 4040 for wss:// (README, "Deploying a relay").

# Build: the relay as one plain JavaScript file (webpack, the `relay` build).
FROM node:24-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json .npmrc ./
# patch-package applies patches/ on install (a yamux race that crashed Node peers); the
# bundle carries the patched code.
COPY patches ./patches
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx webpack --mode production --config-name relay

# Run: Node (the current LTS) and two files; no node_modules, no tsx, no UI libraries.
FROM node:24-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /src/dist/relay/ghost-threads-relay.mjs /src/docker/healthcheck.mjs ./
# The key file is the only state: a volume keeps the relay's address across upgrades.
RUN mkdir /data && chown node:node /data
VOLUME /data
USER node
EXPOSE 4040 4041
# /healthz answers 200 while the relay serves, 503 while it shuts down. The relay writes its
# URL to the health file, so the check follows --http-port and --http-host given to `run`.
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s CMD ["node", "healthcheck.mjs", "/tmp/ghost-relay-health"]
# SIGTERM (docker stop) closes connections cleanly.
# /healthz and /metrics listen on all of the container's interfaces so that -p 4041 (kept
# on the host's loopback in the README) reaches them; outside a container they default to
# loopback (--http-host). Flags after the image name are added (and a repeated one wins).
ENTRYPOINT ["node", "ghost-threads-relay.mjs", "--host", "0.0.0.0", "--http-host", "0.0.0.0", "--key-file", "/data/relay.key", "--health-file", "/tmp/ghost-relay-health"]
