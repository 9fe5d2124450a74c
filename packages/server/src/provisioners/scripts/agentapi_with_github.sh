#!/usr/bin/env bash
# Clones a repository into the session's (empty) working directory, then starts the agent.
# Usage: agentapi_with_github.sh <owner/repo | git URL> <agent command...>
# GITHUB_TOKEN, when set, authenticates the clone and later pushes; it is read from the
# environment by a credential helper and never written to disk or put on a command line.
set -euo pipefail
if [ "$#" -lt 2 ]; then
  echo "agentapi_with_github.sh: usage: <repository> <agent command...>" >&2
  exit 64
fi
repository="$1"
shift
# The proxy hands over a URL it has checked (allowed host, no credentials); owner/repo is for
# running the script by hand. git may use exactly the protocol of that URL, so nothing the
# repository says (a submodule, a redirect, ext::) reaches another transport or a local path.
refuse() {
  echo "agentapi_with_github.sh: refusing repository ${repository}" >&2
  exit 64
}
case "$repository" in
  -* | *::*) refuse ;;
  https://*) url="$repository" protocol=https ;;
  ssh://* | *@*:*) url="$repository" protocol=ssh ;;
  file://*) url="$repository" protocol=file ;;
  *://*) refuse ;;
  *) url="https://github.com/${repository}.git" protocol=https ;;
esac
clone=(git -c protocol.allow=never -c "protocol.${protocol}.allow=always")

# shellcheck disable=SC2016 # expanded by git's shell when the helper runs, not here
helper='!f() { echo username=x-access-token; echo "password=${GITHUB_TOKEN}"; }; f'
echo "agentapi-proxy: cloning ${repository}"
if [ -n "${GITHUB_TOKEN:-}" ]; then
  "${clone[@]}" -c credential.helper= -c "credential.helper=${helper}" clone --quiet -- "$url" .
  git config credential.helper "$helper"
  export GH_TOKEN="${GH_TOKEN:-$GITHUB_TOKEN}"
else
  "${clone[@]}" clone --quiet -- "$url" .
fi
git config user.name >/dev/null || git config user.name "${GIT_AUTHOR_NAME:-agentapi-proxy}"
git config user.email >/dev/null || git config user.email "${GIT_AUTHOR_EMAIL:-agent@agentapi-proxy.invalid}"

# The session's MCP config holds tokens: it comes in after the clone (which needs an empty
# directory) and is kept out of git, so no commit of the agent's carries it.
if [ -n "${AGENTAPI_PROXY_MCP_CONFIG:-}" ]; then
  mv -f -- "$AGENTAPI_PROXY_MCP_CONFIG" .mcp.json
  echo "/.mcp.json" >>.git/info/exclude
  if git ls-files --error-unmatch .mcp.json >/dev/null 2>&1; then
    git update-index --skip-worktree .mcp.json
  fi
fi
unset AGENTAPI_PROXY_MCP_CONFIG

echo "agentapi-proxy: starting $1 in $(pwd)"
exec "$@"
