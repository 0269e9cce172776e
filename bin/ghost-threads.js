#!/usr/bin/env node
// The terminal peer's entry point (`npx ghost-threads chat …`). The sources are TypeScript,
// run through tsx's loader so there is no build step between a checkout and a chat.
import { register } from 'tsx/esm/api'

register()
await import('../src/cli/main.ts')
