/**
 * The relay's command line, as an operator meets it: a mistyped flag is one plain line
 * and exit 2 (no stack trace); `--http-port off` serves no HTTP; /healthz and /metrics
 * stay on loopback when the relay serves everyone (`--host 0.0.0.0`) unless
 * `--http-host` says otherwise.
 */
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { type AddressInfo, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from '@jest/globals'
import { RelayProcess, TSX_ARGS } from '../helpers/relay-process.js'
import { waitFor } from '../helpers/wait.js'

const keyFile = () => join(mkdtempSync(join(tmpdir(), 'ghost-relay-cli-')), 'relay.key')
const relayArgs = (...flags: string[]) => [
  ...TSX_ARGS,
  'src/relay/main.ts',
  '--port',
  '0',
  '--key-file',
  keyFile(),
  ...flags,
]

const relays: RelayProcess[] = []
afterAll(async () => {
  await Promise.all(relays.map((relay) => relay.stop()))
})

describe('the relay command line', () => {
  it.each([
    [['--http-port', '-1'], /relay not started: .*--http-port/],
    [['--no-such-flag'], /relay not started: Unknown option '--no-such-flag'/],
    [['--http-port', 'eighty'], /--http-port must be a port number .*"off" turns it off/],
    [
      ['--peer', 'garbage'],
      /--peer takes a multiaddr ending in the relay's \/p2p\/<peer id> \(the relay prints it\), e\.g\. \/ip4\//,
    ],
    [['--peer', '/ip4/127.0.0.1/tcp/1/ws'], /--peer takes a multiaddr ending in the relay's/],
    [['--announce', 'relay.example.com'], /--announce takes a multiaddr, e\.g\. \/dns4\//],
  ])(
    'refuses %j with one plain message and exit 2',
    (flags, message) => {
      const run = spawnSync(process.execPath, relayArgs(...flags), {
        encoding: 'utf8',
        timeout: 30_000,
      })
      expect(run.status).toBe(2)
      expect(run.stderr).toMatch(message)
      expect(run.stderr).not.toMatch(/\n\s+at /) // no stack trace
    },
    40_000,
  )

  it('says in one line which port is taken, WebSockets or HTTP, and exits 2', async () => {
    const holder = createServer()
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve))
    const port = String((holder.address() as AddressInfo).port)
    try {
      for (const [flags, which] of [
        [['--port', port, '--http-port', '0'], '--port'],
        [['--http-port', port], '--http-port'],
      ] as const) {
        // The later --port wins over relayArgs' own `--port 0`.
        const args = relayArgs(...flags)
        const run = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 30_000 })
        expect(run.status).toBe(2)
        expect(run.stderr.trim().split('\n')).toEqual([
          `relay not started: 127.0.0.1:${port} is already in use (another relay, or another program): stop it, or choose another with ${which}`,
        ])
      }
    } finally {
      holder.close()
    }
  }, 60_000)

  it('serves no HTTP with --http-port off', async () => {
    const child = spawn(process.execPath, relayArgs('--http-port', 'off'))
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })
    try {
      await waitFor(() => output.includes('relay listening on'), {
        timeoutMs: 15_000,
        what: 'the relay to start',
      })
      expect(output).not.toContain('health and metrics')
    } finally {
      child.kill('SIGTERM')
    }
  }, 30_000)

  it('keeps /healthz and /metrics on loopback while serving everyone, unless told', async () => {
    const everyone = await RelayProcess.start({ args: ['--host', '0.0.0.0'] })
    relays.push(everyone)
    expect(new URL(everyone.httpUrl).hostname).toBe('127.0.0.1')
    const told = await RelayProcess.start({ args: ['--http-host', '0.0.0.0'] })
    relays.push(told)
    expect(new URL(told.httpUrl).hostname).toBe('0.0.0.0')
    expect((await fetch(`http://127.0.0.1:${new URL(told.httpUrl).port}/healthz`)).status).toBe(200)
  }, 40_000)
})
