/**
 * The README's promise: `npm start` on a machine without a display runs the two-browser
 * demo through the demo page itself (its Join button, the real prompt, its composer) and
 * prints the transcript. Run here on free ports; `npm test` has built the extension.
 */
import { spawn } from 'node:child_process'
import { resolve } from 'node:path'
import { describe, expect, it } from '@jest/globals'

const ROOT = resolve(import.meta.dirname, '../..')

describe('npm start without a display', () => {
  it('runs the headless two-browser demo and prints the transcript', async () => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--no-warnings',
        'scripts/start.ts',
        '--headless',
        '--relay-port',
        '0',
        '--demo-port',
        '0',
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DISPLAY: '' } },
    )
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })
    const killer = setTimeout(() => child.kill('SIGKILL'), 100_000)
    const code = await new Promise<number | null>((done) => child.once('exit', done))
    clearTimeout(killer)
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
    expect(alicesPage).toMatch(/online: {2}\S+ \(me\), \S+/)
  }, 120_000)
})
