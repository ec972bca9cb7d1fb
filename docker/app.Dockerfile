# syntax=docker/dockerfile:1
# One image per app, from the monorepo root:
#   docker build -f docker/app.Dockerfile --build-arg APP=receiver -t switchyard/receiver .
# APP: receiver, ops, worker-payments, worker-crm, worker-whatsapp, sandbox.
# `turbo prune --docker` keeps only that app and the workspace packages it depends on (the ops image
# also holds the console it serves), so a change elsewhere neither rebuilds nor ships in it; the
# lockfile-only layer keeps `pnpm install` cached until a dependency changes.
ARG NODE_IMAGE=node:20.20-bookworm-slim

FROM ${NODE_IMAGE} AS tools
RUN npm install -g pnpm@10.34.8 turbo@2.11.11
WORKDIR /app

FROM tools AS prune
ARG APP
COPY . .
RUN test -n "$APP" || { echo "build with --build-arg APP=<app>" >&2; exit 1; } \
 && turbo prune "@switchyard/${APP}" $([ "$APP" = ops ] && echo @switchyard/console) --docker --out-dir /out

FROM tools AS build
ARG APP
COPY --from=prune /out/json/ ./
RUN pnpm install --frozen-lockfile
COPY --from=prune /out/full/ ./
# The Prisma schema and migrations live at the root, outside any workspace package.
COPY prisma prisma
RUN if [ -d packages/db ]; then pnpm db:generate; fi \
 && if [ "$APP" = ops ]; then pnpm --filter @switchyard/console build; fi

FROM ${NODE_IMAGE} AS runtime
ARG APP
# Apps run from TypeScript source through tsx (no build step in this repo); /app stays root-owned
# and read-only to the app's user.
ENV NODE_ENV=production APP=${APP} PATH=/app/node_modules/.bin:$PATH
RUN groupadd --gid 10001 switchyard && useradd --uid 10001 --gid 10001 --no-create-home --home-dir /tmp switchyard
WORKDIR /app
COPY --from=build /app ./
COPY docker/healthcheck.cjs /usr/local/lib/switchyard-healthcheck.cjs
# Numeric, so Kubernetes' runAsNonRoot can verify it.
USER 10001
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 CMD ["node", "/usr/local/lib/switchyard-healthcheck.cjs"]
CMD ["sh", "-c", "exec tsx apps/${APP}/src/main.ts"]
