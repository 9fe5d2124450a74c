#!/usr/bin/env bash
# Starts one session's agent. The proxy runs this in the session's private working directory
# with the session's environment; the arguments are the agent's command line.
set -euo pipefail
if [ "$#" -eq 0 ]; then
  echo "agentapi_default.sh: no agent command given" >&2
  exit 64
fi
echo "agentapi-proxy: starting $1 in $(pwd)"
# exec, so the agent is the process (and process-group leader) the proxy signals.
exec "$@"
