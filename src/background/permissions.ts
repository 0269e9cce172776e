/**
 * Which site may use which space: the user's decisions, kept in extension storage (they
 * are settings, not messages). A decision belongs to one origin and one space; a grant to
 * https://a.example is useless to https://b.example, and both tabs of one origin share it.
 */

import { type WalletLink, WalletLinkClaim } from '../core/schema.js'
import { linkedAddressOf } from '../core/wallet-link.js'
import '../core/zod-jitless.js'
import { z } from 'zod'
import type { Decision, PermissionEntry } from '../shared/permission-entry.js'

/** The storage the router has: chrome.storage.local in the extension, a Map in tests. */
export interface KeyValueStore {
  get(key: string): Promise<unknown>
  set(key: string, value: unknown): Promise<void>
}

export const PERMISSIONS_KEY = 'permissions'

const Stored = z.record(
  z.string(),
  z.record(
    z.string(),
    z.object({
      decision: z.enum(['allow', 'deny']),
      at: z.number(),
      /** Relays the site named and the user allowed with the space. */
      relays: z.array(z.string()).optional(),
      /** The wallet link the user made on this site for the space (issue 14). */
      link: WalletLinkClaim.optional(),
    }),
  ),
)
type Stored = z.infer<typeof Stored>

export function parsePermissions(value: unknown): Stored {
  const parsed = Stored.safeParse(value ?? {})
  return parsed.success ? parsed.data : {}
}

export class PermissionStore {
  /** Writes one after another: two tabs deciding at once must not lose a decision. */
  private writing: Promise<unknown> = Promise.resolve()
  private cache: Promise<Stored> | undefined

  constructor(
    private readonly store: KeyValueStore,
    private readonly now: () => number = Date.now,
  ) {}

  async decision(origin: string, space: string): Promise<Decision | undefined> {
    return (await this.read())[origin]?.[space]?.decision
  }

  async allowedSpaces(origin: string): Promise<string[]> {
    const spaces = (await this.read())[origin] ?? {}
    return Object.entries(spaces)
      .filter(([, entry]) => entry.decision === 'allow')
      .map(([space]) => space)
  }

  /** What an allowed grant carries (the relays the site named, its wallet link); none if not allowed. */
  async grant(origin: string, space: string): Promise<{ relays: string[]; link?: WalletLink }> {
    const entry = (await this.read())[origin]?.[space]
    if (entry?.decision !== 'allow') return { relays: [] }
    return { relays: entry.relays ?? [], ...(entry.link === undefined ? {} : { link: entry.link }) }
  }

  /** Keeps (or, with `undefined`, forgets) the wallet link of an allowed grant. */
  async setLink(origin: string, space: string, link: WalletLink | undefined): Promise<void> {
    await this.update((all) => {
      const entry = all[origin]?.[space]
      if (entry?.decision !== 'allow') return
      const { link: _old, ...rest } = entry
      all[origin] = { ...all[origin], [space]: link === undefined ? rest : { ...rest, link } }
    })
  }

  async decide(
    origin: string,
    space: string,
    decision: Decision,
    relays: string[] = [],
  ): Promise<void> {
    await this.update((all) => {
      const entry = { decision, at: this.now(), ...(relays.length > 0 ? { relays } : {}) }
      all[origin] = { ...all[origin], [space]: entry }
    })
  }

  /** Forgets a decision (or all of an origin's): the next openSpace asks again. */
  async revoke(origin: string, space?: string): Promise<void> {
    await this.update((all) => {
      if (space === undefined) delete all[origin]
      else if (all[origin] !== undefined) {
        delete all[origin][space]
        if (Object.keys(all[origin]).length === 0) delete all[origin]
      }
    })
  }

  async list(): Promise<PermissionEntry[]> {
    const all = await this.read()
    return Object.entries(all).flatMap(([origin, spaces]) =>
      Object.entries(spaces).map(([space, { decision, at, relays, link }]) => {
        const linkedAddress = link === undefined ? undefined : linkedAddressOf(link)
        return {
          origin,
          space,
          decision,
          at,
          ...(relays === undefined || relays.length === 0 ? {} : { relays }),
          ...(linkedAddress === undefined ? {} : { linkedAddress }),
        }
      }),
    )
  }

  /** Storage changed under us (another extension page wrote): read afresh next time. */
  invalidate(): void {
    this.cache = undefined
  }

  /** Kept in memory: every page call checks permissions, a storage read costs milliseconds. */
  private read(): Promise<Stored> {
    this.cache ??= this.store.get(PERMISSIONS_KEY).then(parsePermissions)
    return this.cache.then((all) => structuredClone(all))
  }

  private update(change: (all: Stored) => void): Promise<void> {
    const next = this.writing.then(async () => {
      const all = await this.read()
      change(all)
      await this.store.set(PERMISSIONS_KEY, all)
      this.cache = Promise.resolve(structuredClone(all))
    })
    this.writing = next.catch(() => undefined)
    return next
  }
}

/** Which (origin, space) grants exist in `before` and not in `after`: the revoked ones. */
export function revokedGrants(
  before: unknown,
  after: unknown,
): { origin: string; space: string }[] {
  const old = parsePermissions(before)
  const now = parsePermissions(after)
  return Object.entries(old).flatMap(([origin, spaces]) =>
    Object.entries(spaces)
      .filter(
        ([space, entry]) =>
          entry.decision === 'allow' && now[origin]?.[space]?.decision !== 'allow',
      )
      .map(([space]) => ({ origin, space })),
  )
}
