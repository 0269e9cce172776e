#!/usr/bin/env node
// `npx ghost-threads relay …`: the relay, built to plain JavaScript (`npm run build` writes
// dist/relay/ghost-threads-relay.mjs; it needs nothing else, see the Dockerfile).
// `npx ghost-threads chat …`: the terminal peer. Its sources are TypeScript, run through
// tsx's loader so there is no build step between a checkout and a chat.
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

if (process.argv[2] === 'relay') {
  const bundle = fileURLToPath(new URL('../dist/relay/ghost-threads-relay.mjs', import.meta.url))
  if (!existsSync(bundle)) {
    console.error(
      'The relay is not built yet: run `npm run build` (or `npm run relay` from the sources)',
    )
    process.exit(2)
  }
  // The relay reads its flags from argv after the command.
  process.argv.splice(2, 1)
  await import(bundle)
} else {
  const { register } = await import('tsx/esm/api')
  register()
  await import('../src/cli/main.ts')
}
