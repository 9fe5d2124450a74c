// A module-resolution hook for benchmarks: in the workspace, @agentapi-proxy/shared resolves to
// its TypeScript sources (so tests never wait for a build). A benchmark of dist/ must run dist
// all the way down, without a TypeScript loader in the process, so this sends the shared
// package's two entry points to its own dist/ — what an installed package resolves to.
const SHARED = new URL('../../shared/dist/', import.meta.url)
const ENTRIES = {
  '@agentapi-proxy/shared': new URL('index.js', SHARED).href,
  '@agentapi-proxy/shared/routes': new URL('routes/index.js', SHARED).href,
}

export async function resolve(specifier, context, next) {
  const url = ENTRIES[specifier]
  return url ? { url, shortCircuit: true } : next(specifier, context)
}
