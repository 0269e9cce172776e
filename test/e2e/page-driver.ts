/**
 * Drives window.ghostThreads in a real page the way a dapp would, and records what the
 * page's thread emits, so tests can wait on it. The same driver runs in Chromium
 * (Playwright) and Firefox (puppeteer over WebDriver BiDi): it needs only `evaluate`.
 */
import type { Page } from 'playwright-core'
import type { HostStatus } from '../../src/shared/messengers.js'
import type { ExtensionBrowser } from '../../tools/extension-browser.js'
import type { EvaluatingPage } from '../../tools/firefox-browser.js'

/** What the driver needs of the browser around the page. */
export interface DrivenBrowser {
  name: string
  answerPrompt(
    allow: boolean,
    action: () => Promise<unknown>,
  ): Promise<{ origin: string; space: string; did: string; relays?: string[] }>
  hostStatus(): Promise<HostStatus>
}

export type Recorded =
  | ['message', string, unknown, string | null]
  | ['joined', string]
  | ['left', string]
  | ['backlog', unknown[], string[]]
  | ['closed', string]
  /** A post's delivery word: its id and `sent`, `queued` or `dropped`. */
  | ['delivery', string, string]
  /** The provider's `status` event: the page's state, and when (the page's clock). */
  | ['status', string, number]
  /** Live signals (issue 24): who types, a post's reactions as `emoji count`, seen marks, the count. */
  | ['typing', string, boolean]
  | ['reactions', string, string[]]
  | ['seen', string, string]
  | ['members', number]

export interface PageGlobals {
  ghostThreads: {
    openSpace(
      name: string,
      options?: { relays?: string[] },
    ): Promise<{ did: string; joinThread(room: string, o: object): Promise<unknown> }>
    request(args: { method: string; params?: unknown }): Promise<unknown>
    on?(event: 'status', listener: (status: { state: string }) => void): void
    status?(): Promise<{ state: string; rooms: object[] }>
  }
  /** Set once the page's `status` events are being recorded. */
  __statusHeard?: true
  __space?: { did: string; joinThread(room: string, o: object): Promise<unknown> }
  __opening?: Promise<{ did: string } | CaughtError>
  __thread?: {
    post(message: unknown, to?: string): Promise<string>
    listMembers(): Promise<string[]>
    getPosts(n?: number): Promise<unknown[]>
    close(): Promise<void>
    on(event: string, listener: (...args: never[]) => void): void
    deliveryOf(postId: string): string | undefined
    typing(): Promise<boolean>
    react(postId: string, emoji: string): Promise<void>
  }
  __log: Recorded[]
}

export interface CaughtError {
  name: string
  code: number
  message: string
}

export class PageDriver<
  B extends DrivenBrowser = ExtensionBrowser,
  P extends EvaluatingPage = Page,
> {
  constructor(
    readonly browser: B,
    readonly page: P,
  ) {}

  static async open(browser: ExtensionBrowser, url: string): Promise<PageDriver> {
    return new PageDriver(browser, await browser.open(url))
  }

  /**
   * openSpace, answering the prompt window with Allow or Deny. The call is started in the
   * page and awaited after the prompt closed: puppeteer's BiDi ends an evaluation that is
   * still waiting when a new window opens ("Target closed").
   */
  async openSpaceWithPrompt(space: string, allow: boolean, relays?: string[]) {
    const prompt = await this.browser.answerPrompt(allow, () =>
      this.page.evaluate(
        ([name, named]) => {
          const w = window as unknown as PageGlobals
          const options = named === null ? {} : { relays: named }
          w.__opening = w.ghostThreads.openSpace(name, options).then(
            (opened) => {
              w.__space = opened
              return { did: opened.did }
            },
            (err: CaughtError) => ({ name: err.name, code: err.code, message: err.message }),
          )
        },
        [space, relays ?? null] as const,
      ),
    )
    const outcome = await this.page.evaluate(() => (window as unknown as PageGlobals).__opening)
    return { prompt, outcome }
  }

  /** openSpace when no prompt is expected (decided before). */
  openSpace(space: string): Promise<{ did: string } | CaughtError> {
    return this.page.evaluate(async (name) => {
      const w = window as unknown as PageGlobals
      try {
        const opened = await w.ghostThreads.openSpace(name)
        w.__space = opened
        return { did: opened.did }
      } catch (err) {
        const e = err as CaughtError
        return { name: e.name, code: e.code, message: e.message }
      }
    }, space)
  }

  /** openSpace for each of `spaces` at once; each one's DID or the error it got. */
  openSpaces(spaces: string[]): Promise<({ did: string } | CaughtError)[]> {
    return this.page.evaluate(async (names) => {
      const w = window as unknown as PageGlobals
      return Promise.all(
        names.map((name) =>
          w.ghostThreads.openSpace(name).then(
            (opened) => ({ did: opened.did }),
            (err) => {
              const e = err as CaughtError
              return { name: e.name, code: e.code, message: e.message }
            },
          ),
        ),
      )
    }, spaces)
  }

  /** Joins a room in the opened space and records every event the thread emits. */
  async join(room: string): Promise<void> {
    await this.page.evaluate(async (name) => {
      const w = window as unknown as PageGlobals
      if (w.__space === undefined) throw new Error('openSpace first')
      const thread = (await w.__space.joinThread(name, {
        ghost: true,
      })) as PageGlobals['__thread'] & object
      w.__log = []
      thread.on('message', ((post: { author: string; message: unknown; to?: string }) =>
        w.__log.push(['message', post.author, post.message, post.to ?? null])) as never)
      thread.on('user-joined', ((did: string) => w.__log.push(['joined', did])) as never)
      thread.on('user-left', ((did: string) => w.__log.push(['left', did])) as never)
      thread.on('closed', ((reason: string) => w.__log.push(['closed', reason])) as never)
      thread.on('delivery', ((postId: string, delivery: string) =>
        w.__log.push(['delivery', postId, delivery])) as never)
      thread.on('typing', ((did: string, typing: boolean) =>
        w.__log.push(['typing', did, typing])) as never)
      thread.on('reactions', ((postId: string, reactions: { emoji: string; count: number }[]) =>
        w.__log.push([
          'reactions',
          postId,
          reactions.map((reaction) => `${reaction.emoji} ${reaction.count}`),
        ])) as never)
      thread.on('seen', ((did: string, mark: { postId: string }) =>
        w.__log.push(['seen', did, mark.postId])) as never)
      thread.on('members', ((count: number) => w.__log.push(['members', count])) as never)
      // An older provider has no status events (the Firefox build is the same one).
      if (w.__statusHeard === undefined && w.ghostThreads.on !== undefined) {
        w.__statusHeard = true
        w.ghostThreads.on('status', (status) => w.__log.push(['status', status.state, Date.now()]))
      }
      thread.on('backlog-received', ((event: { message: { message: unknown; author: string }[] }) =>
        w.__log.push([
          'backlog',
          event.message.map((post) => post.message),
          event.message.map((post) => post.author),
        ])) as never)
      w.__thread = thread
    }, room)
  }

  post(message: unknown, to?: string): Promise<string | CaughtError> {
    return this.page.evaluate(
      async ([text, target]) => {
        const w = window as unknown as PageGlobals
        try {
          return await (w.__thread as NonNullable<PageGlobals['__thread']>).post(
            text,
            target ?? undefined,
          )
        } catch (err) {
          const e = err as CaughtError
          return { name: e.name, code: e.code, message: e.message }
        }
      },
      [message, to ?? null] as const,
    )
  }

  /** Posts `texts` all at once from the page; each post's id, or the error it got. */
  postAll(texts: string[]): Promise<(string | CaughtError)[]> {
    return this.page.evaluate(async (all) => {
      const w = window as unknown as PageGlobals
      const thread = w.__thread as NonNullable<PageGlobals['__thread']>
      return Promise.all(
        all.map((text) =>
          thread.post(text).catch((err) => {
            const e = err as CaughtError
            return { name: e.name, code: e.code, message: e.message }
          }),
        ),
      )
    }, texts)
  }

  /** Posts arrays nested `depth` deep, built in the page (too deep to hand it over). */
  postNested(depth: number): Promise<string | CaughtError> {
    return this.page.evaluate(async (levels) => {
      const w = window as unknown as PageGlobals
      const message = JSON.parse(`${'['.repeat(levels)}${']'.repeat(levels)}`)
      try {
        return await (w.__thread as NonNullable<PageGlobals['__thread']>).post(message)
      } catch (err) {
        const e = err as CaughtError
        return { name: e.name, code: e.code, message: e.message }
      }
    }, depth)
  }

  members(): Promise<string[]> {
    return this.page.evaluate(
      () => (window as unknown as PageGlobals).__thread?.listMembers() ?? [],
    )
  }

  getPosts(): Promise<unknown[]> {
    return this.page.evaluate(async () => {
      const posts = ((await (window as unknown as PageGlobals).__thread?.getPosts()) ?? []) as {
        message: unknown
      }[]
      return posts.map((post) => post.message)
    })
  }

  /** A raw request({ method, params }), as a dapp bypassing the helpers might send. */
  request(method: string, params?: unknown): Promise<{ result: unknown } | CaughtError> {
    return this.page.evaluate(
      async ([m, p]) => {
        try {
          return {
            result: await (window as unknown as PageGlobals).ghostThreads.request({
              method: m,
              params: p,
            }),
          }
        } catch (err) {
          const e = err as CaughtError
          return { name: e.name, code: e.code, message: e.message }
        }
      },
      [method, params] as const,
    )
  }

  /** What the page's thread says became of one of its posts. */
  deliveryOf(postId: string): Promise<string | undefined> {
    return this.page.evaluate(
      (id) => (window as unknown as PageGlobals).__thread?.deliveryOf(id),
      postId,
    )
  }

  /** The provider's status(): the page's connection state and each room's. */
  status(): Promise<{ state: string; rooms: Record<string, unknown>[] } | undefined> {
    return this.page.evaluate(
      () =>
        (window as unknown as PageGlobals).ghostThreads.status?.() as Promise<
          { state: string; rooms: Record<string, unknown>[] } | undefined
        >,
    )
  }

  log(): Promise<Recorded[]> {
    return this.page.evaluate(() => (window as unknown as PageGlobals).__log ?? [])
  }

  /**
   * Messages received (texts), in order: live ones and those that came in a backlog. A
   * post that reaches a newcomer through its backlog request before gossip delivers it
   * live is emitted once, as part of `backlog-received` (the core delivers each post once).
   */
  /** Says the page's user types (window.ghostThreads' thread.typing()). */
  typing(): Promise<boolean> {
    return this.page.evaluate(() => {
      const w = window as unknown as PageGlobals
      return (w.__thread as NonNullable<PageGlobals['__thread']>).typing()
    })
  }

  /** Puts an emoji on a post from the page. */
  react(postId: string, emoji: string): Promise<void> {
    return this.page.evaluate(
      ([id, e]) => {
        const w = window as unknown as PageGlobals
        return (w.__thread as NonNullable<PageGlobals['__thread']>).react(id as string, e as string)
      },
      [postId, emoji],
    )
  }

  async messages(): Promise<unknown[]> {
    return (await this.log()).flatMap((entry) =>
      entry[0] === 'message' ? [entry[2]] : entry[0] === 'backlog' ? entry[1] : [],
    )
  }

  /** Waits until the page's log holds an entry that `match` accepts. */
  async waitForLog(what: string, match: (entry: Recorded) => boolean, timeoutMs = 15_000) {
    const deadline = Date.now() + timeoutMs
    while (Date.now() < deadline) {
      if ((await this.log()).some(match)) return
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    // What the host holds tells a network loss (not in getPosts) from a lost event (in it).
    const held = await this.getPosts().catch((err: Error) => `getPosts failed: ${err.message}`)
    const status = await this.browser.hostStatus().catch((err: Error) => err.message)
    throw new Error(
      `${this.browser.name}: timed out after ${timeoutMs} ms waiting for ${what}; log: ${JSON.stringify(await this.log())}; host backlog: ${JSON.stringify(held)}; host status: ${JSON.stringify(status)}`,
    )
  }

  /** Waits until the page heard its thread close, and says why it closed. */
  async waitForClosed(reason: string, timeoutMs = 15_000): Promise<void> {
    await this.waitForLog(
      `its thread to close (${reason})`,
      (entry) => entry[0] === 'closed' && entry[1] === reason,
      timeoutMs,
    )
    const closings = (await this.log()).filter((entry) => entry[0] === 'closed')
    if (closings.length !== 1)
      throw new Error(`${this.browser.name}: the page heard ${closings.length} closings, not one`)
  }

  /** Who posted `text`, as received live or in a backlog. */
  async authorOf(text: unknown): Promise<string | undefined> {
    for (const entry of await this.log()) {
      if (entry[0] === 'message' && entry[2] === text) return entry[1]
      if (entry[0] === 'backlog' && entry[1].includes(text)) return entry[2][entry[1].indexOf(text)]
    }
    return undefined
  }

  waitForMessage(text: unknown, timeoutMs?: number) {
    return this.waitForLog(
      `message ${JSON.stringify(text)}`,
      (entry) =>
        (entry[0] === 'message' && entry[2] === text) ||
        (entry[0] === 'backlog' && entry[1].includes(text)),
      timeoutMs,
    )
  }
}
