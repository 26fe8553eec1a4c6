# syntax=docker/dockerfile:1
# Multi-stage: build tools and devDependencies never reach the runtime image.

# 1. Dependencies: better-sqlite3 compiles its native addon when no prebuilt binary fits.
FROM node:20-bookworm-slim AS deps
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

# 2. Build: the bundle in dist/ (npm run build = esbuild), then production dependencies only.
FROM deps AS build
COPY scripts ./scripts
COPY src ./src
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

# 3. Runtime: node, the production node_modules (with the compiled addon) and dist/; not root.
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production PORT=3000
WORKDIR /app
COPY --from=build --chown=node:node /app/package.json ./
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
# SQLite's default file (DATABASE_URL unset) goes here; mount a volume, or use PostgreSQL.
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# npm start's command, run by node directly (not npm): it gets SIGTERM itself and shuts down cleanly.
# The V8 flags: README → Performance → Production process.
CMD ["node", "--max-semi-space-size=2", "--heap-growing-percent=50", "dist/main.js"]
