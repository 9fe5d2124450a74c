import { defineProject } from 'vitest/config'

/**
 * One project of the workspace run: integration tests start real servers and child processes,
 * so they get more time than vitest's 5 s default.
 */
export function workspaceProject(name: string) {
  return defineProject({ test: { name, testTimeout: 20_000, hookTimeout: 20_000 } })
}
