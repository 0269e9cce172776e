#!/usr/bin/env node
// `npx ghost-threads relay [flags]`: the Ghost Threads relay (flags: --help).
if (process.argv[2] !== 'relay') {
  console.error(
    'usage: ghost-threads relay [--port 4040] [--key-file F] … (ghost-threads relay --help)',
  )
  process.exit(2)
}
process.argv.splice(2, 1)
await import('./relay.mjs')
