/**
 * The set-up the extension's browser tests share: a relay process, the demo served on a
 * site (and on more sites when a test needs other origins), and two people, alice and
 * bob, each in their own Chromium profile with the built extension, on the site's raw-API
 * page (`trollbox.html`). Everything is ended after the file, on every path.
 */
import { afterAll, beforeAll } from '@jest/globals'
import { type StaticServer, serveDemo } from '../../tools/static-server.js'
import { RelayProcess } from '../helpers/relay-process.js'
import { PageDriver } from './page-driver.js'
import { browserSet, STEP_MS } from './session.js'

export interface TwoVisitorsInit {
  /** Sites beside the first, for tests about other origins (default none). */
  otherSites?: number
  /**
   * The browsers' own relay list: the relay process (default), or none, so that only the
   * relays a dapp names can join them.
   */
  ownRelays?: 'relay' | 'none'
  /** Let sites name relays on this computer (the relay process runs on 127.0.0.1). */
  localSiteRelays?: boolean
}

export interface TwoVisitors {
  readonly relay: RelayProcess
  readonly site: StaticServer
  readonly otherSites: readonly StaticServer[]
  readonly alice: PageDriver
  readonly bob: PageDriver
  /** More browsers a test launches: closed with the rest. */
  readonly session: ReturnType<typeof browserSet>
}

export function useTwoVisitors(init: TwoVisitorsInit = {}): TwoVisitors {
  const held: {
    relay?: RelayProcess
    site?: StaticServer
    alice?: PageDriver
    bob?: PageDriver
  } = {}
  const otherSites: StaticServer[] = []
  const session = browserSet(() =>
    init.ownRelays === 'none' ? [] : (held.relay as RelayProcess).address,
  )
  beforeAll(async () => {
    held.relay = await RelayProcess.start()
    held.site = await serveDemo()
    for (let i = 0; i < (init.otherSites ?? 0); i++) otherSites.push(await serveDemo())
    const local = init.localSiteRelays ?? false
    const [a, b] = await Promise.all([session.launch('alice', local), session.launch('bob', local)])
    held.alice = await PageDriver.open(a, `${held.site.url}/trollbox.html`)
    held.bob = await PageDriver.open(b, `${held.site.url}/trollbox.html`)
  }, STEP_MS)
  afterAll(async () => {
    await session.closeAll()
    await Promise.all([held.site?.close(), ...otherSites.map((site) => site.close())])
    await held.relay?.stop()
  }, STEP_MS)
  const started = <K extends keyof typeof held>(key: K): NonNullable<(typeof held)[K]> => {
    const value = held[key]
    if (value === undefined) throw new Error(`the two visitors' ${key} starts in beforeAll`)
    return value as NonNullable<(typeof held)[K]>
  }
  return {
    get relay() {
      return started('relay')
    },
    get site() {
      return started('site')
    },
    otherSites,
    get alice() {
      return started('alice')
    },
    get bob() {
      return started('bob')
    },
    session,
  }
}
