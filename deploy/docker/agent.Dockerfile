# syntax=docker/dockerfile:1
# One session's agent: coder/agentapi in front of Claude Code. Build (the checksum is the
# SHA-256 of the release asset agentapi-linux-<arch> for the version and architecture built):
#   docker build -f deploy/docker/agent.Dockerfile \
#     --build-arg AGENTAPI_SHA256=<sha256 of agentapi-linux-amd64> -t agentapi-proxy-agent:0.1.0 .
# Claude Code needs Node 22 or later, hence another base than the proxy's.

ARG NODE_VERSION=22.23.3

FROM node:${NODE_VERSION}-slim
ARG AGENTAPI_VERSION=v0.12.1
ARG AGENTAPI_SHA256=
ARG CLAUDE_CODE_VERSION=2.1.332
# Set by BuildKit from --platform (amd64, arm64: as agentapi names its release assets). No
# default: a default here would win over the platform's value.
ARG TARGETARCH
# git: sessions clone their repository into the workspace; curl only fetches agentapi below.
RUN apt-get update \
 && apt-get install --yes --no-install-recommends ca-certificates curl git \
 && rm -rf /var/lib/apt/lists/*
# An unset checksum fails the build: an unverified binary is never baked into the image.
RUN set -eu; \
    if [ -z "${TARGETARCH:-}" ]; then \
      echo "build with BuildKit (docker buildx build), which sets TARGETARCH" >&2; exit 1; \
    fi; \
    if [ -z "${AGENTAPI_SHA256:-}" ]; then \
      echo "pass --build-arg AGENTAPI_SHA256=<sha256 of agentapi-linux-${TARGETARCH} ${AGENTAPI_VERSION}>" >&2; exit 1; \
    fi; \
    curl --fail --silent --show-error --location --output /usr/local/bin/agentapi \
      "https://github.com/coder/agentapi/releases/download/${AGENTAPI_VERSION}/agentapi-linux-${TARGETARCH}"; \
    echo "${AGENTAPI_SHA256}  /usr/local/bin/agentapi" | sha256sum --check --strict -; \
    chmod 0755 /usr/local/bin/agentapi
RUN npm install --global --no-audit --no-fund @anthropic-ai/claude-code@${CLAUDE_CODE_VERSION} \
 && rm -rf /root/.npm
# The version is the image's: the agent user cannot write the global install anyway.
ENV DISABLE_AUTOUPDATER=1
RUN useradd --create-home --uid 10001 --user-group agent \
 && mkdir /workspace \
 && chown agent:agent /workspace
# The proxy reaches the agent at its Service's cluster IP, which agentapi's Host-header check
# (default: localhost only) would refuse. The NetworkPolicy in deploy/kustomize/base is what
# keeps anyone but the proxy out.
ENV AGENTAPI_ALLOWED_HOSTS="*"
WORKDIR /workspace
USER 10001:10001
EXPOSE 3284
ENTRYPOINT ["agentapi"]
CMD ["server", "--port", "3284", "--type", "claude", "--", "claude"]
