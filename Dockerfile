# syntax=docker/dockerfile:1
# One image for every role: the API (`node dist/src/main.js`), the queue workers
# (`node dist/src/worker.js`) and the one-off migration run (`node dist/src/infra/database/migrate.cli.js`).
# docker-compose.yml shows how the three are wired together.
ARG NODE_IMAGE=node:22-bookworm-slim

# ---- build: dev dependencies + TypeScript → dist/ ----
FROM ${NODE_IMAGE} AS build
WORKDIR /app
ENV SCARF_ANALYTICS=false
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY src ./src
COPY migrations ./migrations
COPY scripts ./scripts
COPY web ./web
RUN npm run build

# ---- runtime: production dependencies only, no compilers, no TypeScript, non-root ----
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    SCARF_ANALYTICS=false \
    PORT=3000
WORKDIR /app
COPY --chown=node:node package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build --chown=node:node /app/dist ./dist
COPY --from=build --chown=node:node /app/web/dist ./web/dist
# Attachment files (STORAGE_DRIVER=fs); compose mounts a volume here.
RUN mkdir -p /app/storage && chown node:node /app/storage
USER node
EXPOSE 3000
# Exec form: node receives SIGTERM itself and closes HTTP, sockets, queues and pools before exiting.
# Health: no curl/wget in the image; Node's own fetch probes the liveness endpoint.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=5 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health/live').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"]
CMD ["node", "dist/src/main.js"]
