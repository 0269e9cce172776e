# The Ghost Threads relay. Build: docker build -t ghost-threads-relay .
# Run:   docker run -p 4040:4040 -p 4041:4041 -v ghost-relay:/data ghost-threads-relay
# Put a TLS proxy in front of port 4040 for wss:// (README, "Deploying a relay").
FROM node:24-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json .npmrc ./
# patch-package applies patches/ on install (a yamux race that crashed Node peers).
COPY patches ./patches
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY src ./src
COPY tsconfig.json ./
# The key file is the only state: a volume keeps the relay's address across upgrades.
RUN mkdir /data && chown node:node /data
VOLUME /data
USER node
EXPOSE 4040 4041
# /healthz answers 200 while the relay serves, 503 while it shuts down.
HEALTHCHECK --interval=30s --timeout=3s CMD node -e "fetch('http://127.0.0.1:4041/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# SIGTERM (docker stop) closes connections cleanly.
# /healthz and /metrics listen on all of the container's interfaces so that -p 4041 (kept
# on the host's loopback in the README) reaches them; outside a container they default to
# loopback (--http-host).
ENTRYPOINT ["node", "--import", "tsx", "src/relay/main.ts", "--host", "0.0.0.0", "--http-host", "0.0.0.0", "--key-file", "/data/relay.key"]
