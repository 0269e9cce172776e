import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, it } from '@jest/globals'

/** The browser bundle webpack made (`npm test` builds before it runs jest). */
const bundle = join(import.meta.dirname, '../dist/lib/ghost-threads-core.js')

describe('the browser build of the core', () => {
  it('exists and pulls in no Node built-ins', () => {
    expect({ bundle, built: existsSync(bundle) }).toEqual({ bundle, built: true }) // run `npm run build` first
    const code = readFileSync(bundle, 'utf8')
    expect(code).not.toMatch(
      /require\(["'](crypto|fs|path|os|stream|buffer)["']\)|["']node:[a-z]+["']/,
    )
  })

  it('runs a chat between two engines as it is', async () => {
    type Core = typeof import('../src/core/index.js')
    const core = (await import(pathToFileURL(bundle).href)) as Core
    const hub = new core.MemoryHub()
    const make = () =>
      new core.GhostThreads({
        transport: hub.createTransport(),
        identity: core.createSeedIdentity(core.generateSeed()),
      })
    const [a, b] = [make(), make()]
    const alice = await (await a.openSpace('bundle')).joinThread('room', { ghost: true })
    const bob = await (await b.openSpace('bundle')).joinThread('room', { ghost: true })
    const heard = new Promise((resolve) => bob.on('message', (post) => resolve(post.message)))
    await alice.post('from the bundle')
    await expect(heard).resolves.toBe('from the bundle')
    await Promise.all([a.stop(), b.stop()])
  })
})
