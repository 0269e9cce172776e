/**
 * A dapp names its own relays, like a wallet taking a dapp's suggested chain: two people
 * whose extension knows no relay at all open a space with `openSpace(name, { relays })`,
 * see the relay in the prompt, allow it, and chat through it. A site's relays carry that
 * site's rooms only and go with its grant, and a site may name a relay on the user's own
 * computer or network only when the user allows it. Real Chromium with the built
 * extension; the relays are real processes.
 */
import { beforeAll, describe, expect, it } from '@jest/globals'
import { type ExtensionBrowser, launchExtensionBrowser } from '../../tools/extension-browser.js'
import type { StaticServer } from '../../tools/static-server.js'
import { RelayProcess } from '../helpers/relay-process.js'
import { waitFor } from '../helpers/wait.js'
import { type CaughtError, PageDriver, type PageGlobals } from './page-driver.js'
import { postedTexts, STEP_MS } from './session.js'
import { useTwoVisitors } from './two-visitors.js'

const SPACE = 'named-relays'
const { text } = postedTexts('relays')

// Their own relay list is empty: only the dapp's relay can connect them. The dapp's relay
// runs on 127.0.0.1: these two allow sites' local relays.
const visitors = useTwoVisitors({ ownRelays: 'none', localSiteRelays: true })
const session = visitors.session
let relay: RelayProcess
let site: StaticServer
let alice: PageDriver
let bob: PageDriver

beforeAll(() => {
  ;({ relay, site, alice, bob } = visitors)
})

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

  it(
    'on this computer are refused by name, without a prompt, unless the user allows them',
    async () => {
      const carol = await PageDriver.open(
        (await session.launch('carol')) as ExtensionBrowser,
        `${site.url}/trollbox.html`,
      )
      const refused = await carol.page.evaluate(async (named) => {
        const w = window as unknown as PageGlobals
        return w.ghostThreads.openSpace('named-relays', { relays: [named] }).then(
          () => 'allowed',
          (err: CaughtError) => ({ name: err.name, code: err.code, message: err.message }),
        )
      }, relay.address)
      expect(refused).toMatchObject({
        name: 'LocalRelayError',
        code: 4100,
        message: expect.stringContaining('Sites may name relays on this computer or network'),
      })
      // Nothing was granted: without the relay the site is asked as any site is.
      const plain = await carol.openSpaceWithPrompt(SPACE, true)
      expect(plain.prompt.relays).toEqual([])
    },
    STEP_MS * 2,
  )

  it(
    "carry that site's rooms only, and go when its grant goes",
    async () => {
      // Relays of this test alone: the first test's members are in rooms of the same space.
      const [ownRelay, siteRelay] = await Promise.all([RelayProcess.start(), RelayProcess.start()])
      try {
        const browser = (await launchExtensionBrowser({
          name: 'dave',
          relays: [ownRelay.address],
          localSiteRelays: true,
        })) as ExtensionBrowser
        session.browsers.push(browser)
        // Two sites of one space: the first names the relay, the second (another origin
        // on the same server) does not.
        const named = await PageDriver.open(browser, `${site.url}/trollbox.html`)
        const other = await PageDriver.open(browser, `${otherOrigin()}/trollbox.html`)
        await named.openSpaceWithPrompt(SPACE, true, [siteRelay.address])
        await other.openSpaceWithPrompt(SPACE, true)
        await named.join('lobby')
        await other.join('elsewhere')
        await waitFor(async () => (await ownRelay.metric('ghost_relay_rooms')) === 2, {
          timeoutMs: 20_000,
          what: "both sites' rooms at the user's own relay",
        })
        // The site's relay hears its room from its own node, and nothing of the other site.
        // (Its own connection may come up after the user's relay heard both rooms.)
        await waitFor(async () => (await siteRelay.metric('ghost_relay_rooms')) >= 1, {
          timeoutMs: 20_000,
          what: "the site's room at the site's relay",
        })
        expect(await siteRelay.metric('ghost_relay_rooms')).toBe(1)
        expect((await browser.hostStatus()).peerIds).toHaveLength(2)
        // The user revokes the site in the popup: its room ends and its relay goes.
        const popup = await browser.context.newPage()
        await popup.goto(`chrome-extension://${browser.extensionId}/popup.html`)
        await popup.getByRole('button', { name: 'Settings' }).click()
        await popup.getByRole('button', { name: `Revoke ${site.url} in ${SPACE}` }).click()
        await waitFor(
          async () =>
            !(await browser.hostStatus()).relays.some((r) => r.address === siteRelay.address),
          { timeoutMs: 20_000, what: "the revoked site's relay to leave the host's list" },
        )
        await waitFor(async () => (await siteRelay.metric('ghost_relay_peers')) === 0, {
          timeoutMs: 20_000,
          what: "the site's relay to lose the user's connection",
        })
        // The other site's room stays, through the user's relay.
        expect((await browser.hostStatus()).threads.map((t) => t.room)).toEqual(['elsewhere'])
        await popup.close()
      } finally {
        await Promise.all([ownRelay.stop(), siteRelay.stop()])
      }
    },
    STEP_MS * 3,
  )
})

/** The demo server under its other name: another origin for the browser, the same files. */
function otherOrigin(): string {
  const url = new URL(site.url)
  url.hostname = url.hostname === 'localhost' ? '127.0.0.1' : 'localhost'
  return url.origin
}
