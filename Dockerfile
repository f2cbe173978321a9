# syntax=docker/dockerfile:1
# NeonPanel MCP gateway: builds packages/server and ships it with production dependencies only.
# Build context: the repository root (see .dockerignore, an allowlist).

# Node.js 24 LTS, pinned by tag; both stages start from the same base.
FROM node:24.21.0-trixie-slim AS base

FROM base AS build
# Corepack is not used: pnpm is pinned to the version in the root package.json's packageManager.
RUN npm install --global pnpm@10.34.9 && npm cache clean --force
WORKDIR /repo
# Manifests first, so the dependency layer is rebuilt only when they change. Every workspace
# manifest is needed for pnpm to check the lockfile, although only the server is installed.
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml .npmrc tsconfig.base.json ./
COPY packages/server/package.json packages/server/
COPY packages/e2e/package.json packages/e2e/
COPY packages/infrastructure/package.json packages/infrastructure/
COPY packages/conformance/package.json packages/conformance/
# Patched dependencies (package.json "pnpm.patchedDependencies"): the install applies them, and
# the lockfile's patch hashes fail a frozen install without them.
COPY patches/ patches/
RUN pnpm install --frozen-lockfile --filter @neonpanel-mcp/server
# Sources, the OpenAPI contract the build generates its client types from, and the tsconfigs.
COPY packages/server/ packages/server/
# The production build only: tsconfig.build.json leaves src/dev (development authorization server,
# sandbox, demo users) out of dist/, and the deploy below copies only dist/ and package.json.
RUN pnpm --filter @neonpanel-mcp/server build
# The runtime layout: package.json, dist/ and production node_modules in /out.
# pnpm 10 deploys non-injected workspaces only with --legacy; the server has no workspace dependencies.
RUN pnpm --filter @neonpanel-mcp/server deploy --prod --legacy /out

FROM base AS runtime
ENV NODE_ENV=production \
    PORT=3030
WORKDIR /app
# Owned by root and not writable by the runtime user; the stack also mounts the root filesystem read-only.
COPY --from=build /out ./
# The image's unprivileged `node` user (uid 1000).
USER node
EXPOSE 3030
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3030)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "dist/main.js"]
