/**
 * A dapp names its own relays, like a wallet taking a dapp's suggested chain: two people
 * whose extension knows no relay at all open a space with `openSpace(name, { relays })`,
 * see the relay in the prompt, allow it, and chat through it. Real Chromium with the
 * built extension; the relay is a real process.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import type { ExtensionBrowser } from '../../tools/extension-browser.js'
import { type StaticServer, serveDemo } from '../../tools/static-server.js'
import { RelayProcess } from '../helpers/relay-process.js'
import { PageDriver } from './page-driver.js'
import { browserSet, postedTexts, STEP_MS } from './session.js'

const SPACE = 'named-relays'
const { text } = postedTexts('relays')

let relay: RelayProcess
let site: StaticServer
// Their own relay list is empty: only the dapp's relay can connect them.
const session = browserSet(() => [])
let alice: PageDriver
let bob: PageDriver

beforeAll(async () => {
  relay = await RelayProcess.start()
  site = await serveDemo()
  const [a, b] = await Promise.all([session.launch('alice'), session.launch('bob')])
  alice = await PageDriver.open(a as ExtensionBrowser, `${site.url}/index.html`)
  bob = await PageDriver.open(b as ExtensionBrowser, `${site.url}/index.html`)
}, STEP_MS)

afterAll(async () => {
  await session.closeAll()
  await site?.close()
  await relay?.stop()
}, STEP_MS)

describe("a dapp's own relays", () => {
  it(
    'are shown in the prompt, allowed with the space, and carry the room',
    async () => {
      const a = await alice.openSpaceWithPrompt(SPACE, true, [relay.address])
      const b = await bob.openSpaceWithPrompt(SPACE, true, [relay.address])
      expect(a.prompt.relays).toEqual([relay.address])
      expect(a.outcome).toEqual({ did: a.prompt.did })
      expect(b.outcome).toEqual({ did: b.prompt.did })
      await alice.join('lobby')
      await bob.join('lobby')
      await alice.waitForLog('bob joined', (e) => e[0] === 'joined' && e[1] === b.prompt.did)
      const hello = text('hello')
      await alice.post(hello)
      await bob.waitForMessage(hello)
      const status = await alice.browser.hostStatus()
      expect(status.relays).toEqual([{ address: relay.address, connected: true }])
      // Asked again with the same relays: no prompt, the same DID.
      expect(await alice.openSpace(SPACE)).toEqual({ did: a.prompt.did })
      // Alice's popup lists the relay with the site's grant, where she can revoke it.
      const popup = await alice.browser.context.newPage()
      await popup.goto(`chrome-extension://${alice.browser.extensionId}/popup.html`)
      await popup.getByRole('button', { name: 'Settings' }).click()
      const named = popup.getByRole('list', { name: `Relays ${new URL(site.url).origin} named` })
      await named.getByText(relay.address).waitFor({ timeout: 10_000 })
      await popup.close()
    },
    STEP_MS * 2,
  )
})
