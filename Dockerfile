# syntax=docker/dockerfile:1
# The chat API as a container: production dependencies only, TypeScript run by tsx (a runtime
# dependency), a non-root user, and a health check on /health.
#
# Node 26 ("Lithium") is the Active LTS line since 2026-10-28 and is supported until 2029-04;
# Node 24 went to Maintenance LTS on 2026-10-20. Some runtime dependencies (@whatwg-node/*,
# used by graphql-yoga) declare node >= 22.15, so 24 also works: --build-arg NODE_VERSION=24.
ARG NODE_VERSION=26

# --- deps: exact production dependencies from package-lock.json ------------------------------
FROM node:${NODE_VERSION}-slim AS deps
WORKDIR /app
ENV npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev

# --- runtime ------------------------------------------------------------------------------------
FROM node:${NODE_VERSION}-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=4000
WORKDIR /app
# Owned by root and only readable by the app's user: the process cannot change its own code.
COPY --from=deps /app/node_modules ./node_modules
COPY package.json package-lock.json tsconfig.json ./
COPY src ./src
USER node
EXPOSE 4000
# No curl in slim images: node's fetch asks /health; any error or non-2xx marks it unhealthy.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 4000) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# `npm start` is `tsx src/main.ts`; node with tsx's loader runs the same code as one process
# (no npm or tsx wrapper in between), so SIGTERM reaches the app's graceful shutdown directly.
STOPSIGNAL SIGTERM
CMD ["node", "--import", "tsx", "src/main.ts"]
