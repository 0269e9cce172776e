/**
 * The README's promise: `npm start` on a machine without a display runs the two-browser
 * demo through the demo page itself (its Join button, the real prompt, its composer) and
 * prints the transcript. Run here on free ports; `npm test` has built the extension.
 */
import { spawn } from 'node:child_process'
import { type AddressInfo, connect, createServer } from 'node:net'
import { resolve } from 'node:path'
import { describe, expect, it } from '@jest/globals'

const ROOT = resolve(import.meta.dirname, '../..')

/** `npm start` with `args`, no display; its exit code and what it printed. */
async function npmStart(args: string[], killAfterMs: number) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--no-warnings', 'scripts/start.ts', '--headless', ...args],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DISPLAY: '' } },
  )
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString()
  })
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString()
  })
  const killer = setTimeout(() => child.kill('SIGKILL'), killAfterMs)
  const code = await new Promise<number | null>((done) => child.once('exit', done))
  clearTimeout(killer)
  return { code, output }
}

/** Whether something accepts connections on 127.0.0.1:port. */
function listening(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('connect', () => {
      socket.destroy()
      done(true)
    })
    socket.once('error', () => done(false))
  })
}

describe('npm start without a display', () => {
  it('with the demo port taken, says so and exits 1, taking the relay it started with it', async () => {
    const holder = createServer()
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve))
    const taken = (holder.address() as AddressInfo).port
    try {
      const { code, output } = await npmStart(
        ['--relay-port', '0', '--demo-port', String(taken)],
        60_000,
      )
      expect(code).toBe(1)
      expect(output).toContain('The demo page could not be served')
      expect(output).toContain('use --demo-port to pick another port')
      const relayPort = Number(/relay: \/ip4\/127\.0\.0\.1\/tcp\/(\d+)\//.exec(output)?.[1])
      expect(relayPort).toBeGreaterThan(0)
      expect(await listening(relayPort)).toBe(false)
    } finally {
      holder.close()
    }
  }, 90_000)

  it('runs the headless two-browser demo and prints the transcript', async () => {
    const { code, output } = await npmStart(['--relay-port', '0', '--demo-port', '0'], 100_000)
    expect({ code, output }).toEqual({
      code: 0,
      output: expect.stringContaining('The demo worked.'),
    })
    // Each side shows the other's message with its author, and two members online.
    const bobsPage = output.slice(output.indexOf("── bob's page ──"))
    const alicesPage = output.slice(
      output.indexOf("── alice's page ──"),
      output.indexOf("── bob's page ──"),
    )
    expect(bobsPage).toMatch(/z6Mk\S+: hi bob, this went peer to peer/)
    expect(alicesPage).toMatch(/z6Mk\S+: hi alice! and nothing was stored/)
    expect(alicesPage).toMatch(/online: {2}z6Mk\S+ \(you\), z6Mk\S+/)
  }, 120_000)
})
