/**
 * Debian's WebKitGTK — the engine of Safari and of every iOS dapp browser — driven by plain
 * W3C WebDriver: `WebKitWebDriver` (package webkit2gtk-driver) starts MiniBrowser, which
 * needs a display, so both run under `xvfb-run` (package xvfb), in a process group of their
 * own that close() ends. No library: the five WebDriver commands used here are plain HTTP,
 * and none of the npm clients is needed for them. WebKitGTK has no RTCPeerConnection: the
 * in-page SDK takes its relays-only path there.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { endWithUs } from './end-with-us.js'
import { freePort } from './free-port.js'

const DRIVER = '/usr/bin/WebKitWebDriver'
const XVFB_RUN = '/usr/bin/xvfb-run'
const MINIBROWSER = '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser'

export class WebKitMissingError extends Error {
  static override name = 'WebKitMissingError'
  override name = WebKitMissingError.name
  constructor(missing: string) {
    super(
      `WebKitGTK's WebDriver is not installed (${missing} is missing). On Debian: ` +
        '`sudo apt-get install -y webkit2gtk-driver xvfb` (.ci/run installs them).',
    )
  }
}

export interface WebKitPage {
  goto(url: string): Promise<void>
  /** Runs `fn` in the page with `args` (JSON values) and resolves to what it returns. */
  evaluate<A extends unknown[], T>(fn: (...args: A) => T | Promise<T>, ...args: A): Promise<T>
  screenshot(path: string): Promise<void>
  close(): Promise<void>
}

async function command(base: string, method: string, path: string, body?: unknown) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  const answer = (await response.json()) as { value: unknown }
  const error = answer.value as { error?: string; message?: string } | null
  if (!response.ok || (error !== null && typeof error === 'object' && 'error' in error))
    throw new Error(`WebDriver ${method} ${path}: ${error?.error}: ${error?.message}`)
  return answer.value
}

/** One MiniBrowser window under WebDriver; close() ends the driver, the browser and Xvfb. */
export async function launchWebKit(): Promise<WebKitPage> {
  for (const needed of [DRIVER, XVFB_RUN, MINIBROWSER])
    if (!existsSync(needed)) throw new WebKitMissingError(needed)
  const port = await freePort()
  const driver: ChildProcess = spawn(XVFB_RUN, ['-a', DRIVER, `--port=${port}`], {
    detached: true,
    stdio: 'ignore',
  })
  // Xvfb, the driver and MiniBrowser: its own process group, ended with us too.
  const end = endWithUs(driver, { group: true, signal: 'SIGTERM' })
  const base = `http://127.0.0.1:${port}`
  try {
    const deadline = Date.now() + 30_000
    for (;;) {
      const ready = await command(base, 'GET', '/status').catch(() => undefined)
      if ((ready as { ready?: boolean } | undefined)?.ready === true) break
      if (Date.now() > deadline || driver.exitCode !== null)
        throw new Error('WebKitWebDriver did not start within 30 s')
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
    const session = (await command(base, 'POST', '/session', {
      capabilities: {
        alwaysMatch: {
          'webkitgtk:browserOptions': { binary: MINIBROWSER, args: ['--automation'] },
        },
      },
    })) as { sessionId: string }
    const at = `/session/${session.sessionId}`
    const page: WebKitPage = {
      async goto(url) {
        await command(base, 'POST', `${at}/url`, { url })
      },
      async evaluate(fn, ...args) {
        // The async form: the page's function may return a promise.
        const script = `const done = arguments[arguments.length - 1];
Promise.resolve((${fn.toString()}).apply(null, Array.prototype.slice.call(arguments, 0, -1)))
  .then((value) => done({ value }), (error) => done({ error: String(error && error.stack || error) }))`
        const result = (await command(base, 'POST', `${at}/execute/async`, { script, args })) as {
          value?: unknown
          error?: string
        }
        if (result.error !== undefined) throw new Error(`in WebKit: ${result.error}`)
        return result.value as never
      },
      async screenshot(path) {
        // Two frames, so what the page drew last is on the window the driver captures.
        await page.evaluate(
          () => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))),
        )
        const png = (await command(base, 'GET', `${at}/screenshot`)) as string
        await writeFile(path, Buffer.from(png, 'base64'))
      },
      async close() {
        await command(base, 'DELETE', at).catch(() => undefined)
        end()
      },
    }
    return page
  } catch (err) {
    end()
    throw err
  }
}
