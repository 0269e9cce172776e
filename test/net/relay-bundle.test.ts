/**
 * The relay as an operator runs it (issue 23): the built file (dist/relay/ghost-threads-
 * relay.mjs, what the Dockerfile ships) copied alone into an empty directory — no
 * package.json, no node_modules, no tsx — run with plain Node, carries a room between two
 * real peers; the container's healthcheck script follows the port it was given through
 * the health file, and says unhealthy once the relay stops. (No Docker engine here: the
 * image is these two files on node:24-bookworm-slim.)
 */
import { spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { type NetPeer, startNetPeer, stopAll, untilMet } from '../helpers/net-peer.js'
import { RelayProcess } from '../helpers/relay-process.js'
import { waitFor } from '../helpers/wait.js'

const root = join(import.meta.dirname, '../..')
const BUNDLE = join(root, 'dist/relay/ghost-threads-relay.mjs')
const HEALTHCHECK = join(root, 'docker/healthcheck.mjs')

let dir = ''
let relay: RelayProcess
const peers: NetPeer[] = []

/** Runs the container's healthcheck as Docker would; its exit code. */
function healthcheck(): number | null {
  return spawnSync(process.execPath, ['healthcheck.mjs', join(dir, 'health')], {
    cwd: dir,
    timeout: 10_000,
  }).status
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ghost-relay-bundle-'))
  copyFileSync(BUNDLE, join(dir, 'ghost-threads-relay.mjs'))
  copyFileSync(HEALTHCHECK, join(dir, 'healthcheck.mjs'))
  relay = await RelayProcess.start({
    built: { file: 'ghost-threads-relay.mjs', cwd: dir },
    keyFile: join(dir, 'relay.key'),
    args: ['--health-file', join(dir, 'health')],
  })
})

afterAll(async () => {
  await stopAll(peers)
  await relay?.stop()
})

describe('the built relay, alone in an empty directory', () => {
  it('needs nothing beside it: no package, no node_modules', () => {
    expect(readdirSync(dir).sort()).toEqual(
      [
        'ghost-threads-relay.mjs',
        'health',
        'healthcheck.mjs',
        'relay.key',
        'relay.key.lock',
      ].sort(),
    )
    // What it imports: Node's own modules only (its other needs are inside it).
    const imported = [...readFileSync(BUNDLE, 'utf8').matchAll(/^import .* from "([^"]+)";$/gm)]
      .map((m) => m[1] ?? '')
      .filter((name) => !builtinModules.includes(name.replace(/^node:/, '')))
    expect(imported).toEqual([])
  })

  it('carries a room between two peers', async () => {
    const alice = await startNetPeer({ relays: [relay.address], room: 'bundled' })
    const bob = await startNetPeer({ relays: [relay.address], room: 'bundled' })
    peers.push(alice, bob)
    await untilMet(alice, bob, { timeoutMs: 15_000, what: 'both joins through the built relay' })
    await alice.thread.post('through the bundle')
    await waitFor(() => bob.events.texts().includes('through the bundle'), {
      what: 'the post at bob',
    })
  })

  it('the healthcheck follows the port it was given, and fails once the relay stops', async () => {
    expect(readFileSync(join(dir, 'health'), 'utf8').trim()).toBe(`${relay.httpUrl}/healthz`)
    // The relay's HTTP port was chosen at random (--http-port 0), not the default 4041.
    expect(new URL(relay.httpUrl).port).not.toBe('4041')
    expect(healthcheck()).toBe(0)
    await stopAll(peers.splice(0))
    expect(await relay.stop()).toBe(0)
    expect(existsSync(join(dir, 'health'))).toBe(false)
    expect(healthcheck()).toBe(1)
  })
})
