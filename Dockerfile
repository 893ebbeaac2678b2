# Stages: deps (full, for building) → build (API) → build-training (CLI); prod-deps (runtime
# node_modules) → api-deps (the API's share of them); training (the CLI image, `--target
# training`); api (the last stage: the default).
ARG NODE_IMAGE=node:22-bookworm-slim

FROM ${NODE_IMAGE} AS base
WORKDIR /app
# No telemetry, funding or update notices in build logs.
ENV SCARF_ANALYTICS=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false \
    NPM_CONFIG_UPDATE_NOTIFIER=false

# Everything needed to compile. Install scripts are skipped: nothing the compiler needs has one,
# and tfjs-node's would try to download libtensorflow for nothing.
FROM base AS deps
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts

FROM deps AS build
COPY nest-cli.json tsconfig.json ./
# nest-cli.json's compiler plugin (it keeps the libraries' exports objects fast).
COPY scripts/fast-exports.plugin.js ./scripts/
COPY libs ./libs
COPY apps/api ./apps/api
RUN npx nest build api

FROM build AS build-training
COPY apps/training-cli ./apps/training-cli
RUN npx nest build training-cli

# Production dependencies only, with install scripts: where the builder reaches the internet,
# @tensorflow/tfjs-node fetches its native library into its own folder and the app uses it;
# where it cannot, npm drops that optional package and the app runs on pure-JS @tensorflow/tfjs.
# Source maps are half of node_modules (tfjs ships one per bundle) and node reads none of them.
FROM base AS prod-deps
COPY package.json package-lock.json ./
RUN npm ci --omit=dev \
    && find node_modules -type f \( -name '*.js.map' -o -name '*.mjs.map' -o -name '*.cjs.map' \
       -o -name '*.ts.map' -o -name '*.css.map' \) -delete

# The API needs neither the training CLI's packages (charts, fonts, the command framework,
# statistics: 132 packages with their dependencies) nor tfjs's browser bundles and shipped tests (node loads
# each package's *.node.js). Uninstalling may put back an optional tfjs-node that prod-deps
# dropped for want of its native library (scripts are off here): one without its binding goes.
FROM prod-deps AS api-deps
RUN npm uninstall --no-save --omit=dev --ignore-scripts \
       @resvg/resvg-js cli-progress commander dejavu-fonts-ttf jstat nest-commander vega vega-lite \
    && if [ -d node_modules/@tensorflow/tfjs-node ] \
         && [ -z "$(find node_modules/@tensorflow/tfjs-node -name '*.node' -print -quit)" ]; then \
         rm -rf node_modules/@tensorflow/tfjs-node; fi \
    && find node_modules/@tensorflow -path '*/dist/tf*.js' ! -name '*.node.js' -delete \
    && find node_modules/@tensorflow -name '*_test.js' -delete

FROM base AS runtime
ENV NODE_ENV=production
COPY package.json ./
COPY config ./config

# The training CLI: `pipeline` (or any other command) writes into data/, models/ and reports/,
# usually mounted from the host. Run `docker build --target training .`.
FROM runtime AS training
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build-training /app/dist/apps/training-cli ./dist/apps/training-cli
COPY --chown=node:node models ./models
RUN mkdir -p data reports && chown node:node data reports
USER node
ENTRYPOINT ["node", "dist/apps/training-cli/apps/training-cli/src/main.js"]
CMD ["pipeline"]

# The API: code, config and models owned by root, so the service cannot change what it serves.
FROM runtime AS api
COPY --from=api-deps /app/node_modules ./node_modules
COPY --from=build /app/dist/apps/api ./dist/apps/api
COPY models ./models
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health', { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node is PID 1 and gets SIGTERM itself; the app's shutdown hooks drain requests and exit. The
# old-generation cap (as `npm start` sets it) keeps V8 from letting garbage pile up under load.
CMD ["node", "--max-old-space-size=192", "dist/apps/api/apps/api/src/main.js"]
