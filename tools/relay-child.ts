/**
 * The relay as a child process (`src/relay/main.ts`), for `npm start` and the browser
 * benchmark: started, its address read from what it prints, stopped with SIGTERM.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { resolve } from 'node:path'
import { endWithUs } from './end-with-us.js'

const ROOT = resolve(import.meta.dirname, '..')

export interface RelayChild {
  address: string
  output(): string
  stop(): Promise<number | null>
}

export async function startRelayChild(
  args: string[] = [],
  timeoutMs = 20_000,
): Promise<RelayChild> {
  // Its own process group, ended when this process exits however it exits: a start that
  // failed after the relay came up (the demo's port taken) left it running under pid 1,
  // and the next start stopped at its key lock (issue 22).
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', '--no-warnings', 'src/relay/main.ts', ...args],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  )
  const endGroup = endWithUs(child, { group: true })
  let output = ''
  const collect = (chunk: Buffer) => {
    output += chunk.toString()
  }
  child.stdout?.on('data', collect)
  child.stderr?.on('data', collect)
  const address = await new Promise<string>((done, fail) => {
    const timer = setTimeout(() => {
      endGroup()
      fail(new Error(`the relay did not start in time:\n${output}`))
    }, timeoutMs)
    const check = () => {
      const found = /relay listening on (\S+)/.exec(output)?.[1]
      if (found !== undefined && output.includes('health and metrics')) {
        clearTimeout(timer)
        done(found)
      }
    }
    child.stdout?.on('data', check)
    child.once('exit', (code) => {
      clearTimeout(timer)
      fail(new Error(`the relay exited (code ${code}):\n${output}`))
    })
  })
  return {
    address,
    output: () => output,
    stop: () =>
      new Promise((done) => {
        if (child.exitCode !== null) return done(child.exitCode)
        child.once('exit', (code) => done(code))
        child.kill('SIGTERM')
      }),
  }
}
