# syntax=docker/dockerfile:1
# The agentapi-proxy server image. Build from the repository root:
#   docker build -f deploy/docker/proxy.Dockerfile -t agentapi-proxy:0.1.0 .
# The image holds what `npm install agentapi-proxy` gives a user: the four packages are packed
# as `pnpm publish` would pack them (tests/packaging checks those tarballs install and run),
# then installed with npm into an otherwise empty project, so no workspace sources ship.

ARG NODE_VERSION=20.20.2
ARG PNPM_VERSION=12.4.2

FROM node:${NODE_VERSION}-slim AS build
ARG PNPM_VERSION
RUN npm install --global --no-audit --no-fund pnpm@${PNPM_VERSION}
WORKDIR /src
COPY . .
RUN pnpm install --frozen-lockfile
RUN pnpm exec turbo run build '--filter=./packages/*' --output-logs=errors-only
# The order npm needs them in does not matter here: all four are installed in one command.
RUN mkdir /tarballs \
 && for name in shared client server cli; do \
      (cd "packages/$name" && pnpm pack --pack-destination /tarballs) || exit 1; \
    done

FROM node:${NODE_VERSION}-slim
ENV NODE_ENV=production
WORKDIR /opt/agentapi-proxy
COPY --from=build /tarballs/ /tmp/tarballs/
RUN npm init --yes >/dev/null \
 && npm pkg set type=module \
 && npm install --omit=dev --no-audit --no-fund /tmp/tarballs/*.tgz \
 && rm -rf /tmp/tarballs /root/.npm \
 && ln -s /opt/agentapi-proxy/node_modules/.bin/agentapi-proxy /usr/local/bin/agentapi-proxy \
 && mkdir -p /var/lib/agentapi-proxy \
 && chown node:node /var/lib/agentapi-proxy
# Relative paths in the config (the SQLite file, session workdirs) land here; on Kubernetes it
# is a volume, so the root filesystem can stay read-only.
WORKDIR /var/lib/agentapi-proxy
# node is uid 1000 in the official image; the Deployment names the uid too, since the kubelet
# cannot check runAsNonRoot against a user name.
USER node
EXPOSE 8080
ENTRYPOINT ["agentapi-proxy", "server"]
