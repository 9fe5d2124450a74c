import { defineConfig } from 'vite'

// `pnpm demo` (demo/stack.ts) adds the dev server's port and the /api proxy to this.
export default defineConfig({
  appType: 'spa',
  // GitHub lets a loopback redirect change its port only on 127.0.0.1 and [::1], not localhost.
  server: { host: '127.0.0.1' },
  build: { target: 'es2023' },
})
