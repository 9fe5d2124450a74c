#!/usr/bin/env node
// The workspace bin: runs the CLI from source. The workspace packages export their `src/*.ts`
// (so no build is needed while developing), which plain Node cannot load, so tsx's loader is
// registered in this process first. It is not published: the tarball's bin is `dist/main.js`
// (publishConfig), built with every import resolvable.
import { register } from 'tsx/esm/api'

register()
await import('../src/main.ts')
