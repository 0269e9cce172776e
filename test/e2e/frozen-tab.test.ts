/**
 * A background tab that Chromium froze (issue 23): its timers and tasks stop; the in-page
 * host runs in that tab, so the whole node is asleep. Frozen through the DevTools protocol
 * (Page.setWebLifecycleState), as Chrome's tab freezing does, for longer than a thread's
 * wake check allows (a 5 s check that ran 15 s late): what the room said meanwhile reaches
 * the page once it thaws, and the page keeps chatting.
 */

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import type { Browser, BrowserContext } from 'playwright-core'
import { WAKE_CHECK_MS, WAKE_LATE_MS } from '../../src/core/constants.js'
import { launchPlainChromium } from '../../tools/extension-browser.js'
import { type StaticServer, serveDemo } from '../../tools/static-server.js'
import { RelayProcess } from '../helpers/relay-process.js'
import { sleep } from '../helpers/wait.js'
import { demoDriver, openDemo } from './demo-visitor.js'
import { postedTexts, STEP_MS } from './session.js'

const SPACE = 'frozen-space'
const ROOM = 'lobby'
/** Asleep past the wake check: the modelled time a tab stays in the background. */
const FROZEN_MS = WAKE_CHECK_MS + WAKE_LATE_MS + 2_000
const { text } = postedTexts('frozen')

let relay: RelayProcess
let site: StaticServer
let plain: Browser
const contexts: BrowserContext[] = []

async function visitor() {
  const context = await plain.newContext()
  contexts.push(context)
  const page = await context.newPage()
  await openDemo(page, site.url, relay.address)
  const driver = await demoDriver(page)
  await driver.openSpace(SPACE)
  await driver.join(ROOM)
  return { page, driver, context }
}

beforeAll(async () => {
  relay = await RelayProcess.start()
  site = await serveDemo()
  plain = await launchPlainChromium()
}, STEP_MS)

afterAll(async () => {
  await Promise.all(contexts.map((context) => context.close().catch(() => undefined)))
  await plain?.close()
  await site?.close()
  await relay?.stop()
}, STEP_MS)

describe('a frozen tab with the in-page host', () => {
  it(
    'gets what the room said while it was frozen once it thaws, and chats on',
    async () => {
      const alice = await visitor()
      const bob = await visitor()
      const hello = text('hello')
      await alice.driver.post(hello)
      await bob.driver.waitForMessage(hello)

      const devtools = await bob.context.newCDPSession(bob.page)
      await devtools.send('Page.setWebLifecycleState', { state: 'frozen' })
      const said = [text('one'), text('two'), text('three')]
      for (const message of said) await alice.driver.post(message)
      await sleep(FROZEN_MS)
      await devtools.send('Page.setWebLifecycleState', { state: 'active' })

      for (const message of said) await bob.driver.waitForMessage(message, 30_000)
      const after = text('after')
      await bob.driver.post(after)
      await alice.driver.waitForMessage(after)
      expect((await bob.driver.messages()).filter((m) => said.includes(m as string))).toHaveLength(
        3,
      )
    },
    STEP_MS * 2,
  )
})
