# dollr-slack's image. The app runs its TypeScript sources with Node's type stripping: no build step, no
# compiler in the image. test/e2e/container-recipe.test.ts runs this file's install and start commands (no
# container runtime in CI), so change them together with it.
#
#   docker build -t dollr-slack .
#   docker run --env-file .env -p 3000:3000 -v dollr-data:/app/data --stop-timeout 30 dollr-slack

# Node 24, the supported runtime (.nvmrc), pinned by major: security fixes arrive with a rebuild, a new
# major only when this line changes. Slim Debian: glibc (MALLOC_ARENA_MAX below means something there), no
# compilers, no curl; nothing the app needs is missing (node:sqlite is built into Node).
FROM node:24-slim AS deps
WORKDIR /app
# The manifest and the lockfile only, so the install layer is rebuilt when the dependencies change, not on
# every change of the sources.
COPY package.json package-lock.json ./
# Exactly the lockfile's production packages (no TypeScript, test tools or the `node` dev package). No
# production package has an install script (only esbuild and node, both development packages, have one),
# so none runs during the build. No audit or funding requests: the build needs only the registry.
RUN npm ci --omit=dev --no-audit --no-fund --ignore-scripts

FROM node:24-slim AS runtime
WORKDIR /app
# NODE_ENV: what libraries (Express under Bolt) read for their production behaviour. MALLOC_ARENA_MAX: as
# `npm start` sets it (README, Memory); it must be in the environment when the process starts, as here.
ENV NODE_ENV=production MALLOC_ARENA_MAX=2
# Owned by root and read-only to the app's user: the app cannot change its own code or packages.
COPY --from=deps /app/node_modules ./node_modules
# package.json: "type": "module", which tells Node how to load src/*.ts.
COPY package.json ./
# The app (src/fakes and src/sandbox are left out by .dockerignore: tests and the sandbox only).
COPY src ./src
# The embedded SQLite store's default place (./data/dollr-slack.sqlite, relative to WORKDIR). Created here
# and owned by the app's user, so that a new named volume mounted on it starts out writable by the app.
RUN mkdir -p /app/data && chown node:node /app/data
VOLUME ["/app/data"]
# The official image's unprivileged user (uid 1000); nothing in the app needs root.
USER node
# The app's default PORT: Slack's /slack/events in HTTP mode, /healthz, /readyz and /metrics in both modes.
# The app listens on every interface (there is no HOST setting), as a container needs.
EXPOSE 3000
# Ready means the store answers and the process is not stopping (GET /readyz). Node itself asks, as the
# slim image has no curl; PORT comes from the container's environment (not from a .env file inside it).
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", \
    "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# SIGTERM is Docker's default; said here because the app's graceful stop depends on it (SIGINT works too).
# The stop takes up to DOLLR_TIMEOUT_MS + 5 s (20 s by default): give `docker stop` 30 s (--stop-timeout).
STOPSIGNAL SIGTERM
# Exec form: node is the container's main process and gets SIGTERM itself (no npm, no shell in between).
# As PID 1 it gets only the signals it handles (SIGTERM and SIGINT are), and it starts no child to reap.
# The flags are `npm start`'s (README, Memory): V8's young generation fixed at the same size on any host.
CMD ["node", "--min-semi-space-size=32", "--max-semi-space-size=32", "src/main.ts"]
