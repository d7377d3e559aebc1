# omnihub on Node 22: one image for every role (omnihub start --role api|worker|scheduler|all).
# The TypeScript runs through tsx (a devDependency), so the image installs the lock file whole;
# npm ci's postinstall generates the Prisma client. Runs as the image's unprivileged "node" user.
FROM node:22-bookworm-slim

WORKDIR /app
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    OMNIHUB_DATA_DIR=/app/data

# Dependencies first (a layer kept while only the sources change).
COPY package.json package-lock.json prisma.config.ts ./
COPY prisma ./prisma
COPY scripts/prisma-generate.mjs ./scripts/prisma-generate.mjs
RUN npm ci --include=dev --no-audit --no-fund && npm cache clean --force

COPY . .
RUN mkdir -p /app/data && chown node:node /app/data

USER node
EXPOSE 3000
# SIGTERM reaches node itself (no shell in between): it drains within OMNIHUB_SHUTDOWN_TIMEOUT_SECONDS.
ENTRYPOINT ["node", "api/cli/bin.mjs"]
CMD ["start"]
