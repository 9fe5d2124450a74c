import { defineConfig } from 'tsdown'

export default defineConfig({
  // echo-agent.js is the built-in agent's own process (see provisioners/agent-command.ts).
  entry: {
    index: 'src/index.ts',
    testing: 'src/testing/index.ts',
    'echo-agent': 'src/echo-agent/bin.ts',
    // The guard in front of a real agentapi (see provisioners/agent-command.ts).
    'agent-guard': 'src/agent-guard/bin.ts',
  },
  format: 'esm',
  platform: 'node',
  dts: true,
  fixedExtension: false,
  // The startup scripts and the log writer sit beside the bundle, where
  // provisioners/startup-scripts.ts looks.
  copy: [
    { from: 'src/provisioners/scripts/*.sh', to: 'dist/scripts' },
    { from: 'src/provisioners/scripts/*.mjs', to: 'dist/scripts' },
  ],
})
