/**
 * The widget's state: one small store of signals over the page's provider (connect()),
 * the way the popup's store (src/popup/store.ts) is built. Components read the signals
 * and call the actions; the words a person reads are in widget-words.ts.
 */

import { computed, signal } from '@preact/signals'
import type { ClosedReason } from '../core/closed-reason.js'
import { inviteProblem } from '../core/invite.js'
import type { LinkedMember } from '../core/link-scope.js'
import type { Post } from '../core/post.js'
import type { PostReactions } from '../core/post-reactions.js'
import type { Delivery } from '../core/transport.js'
import type { PageThread } from '../inpage/page-thread.js'
import type { GhostThreadsProvider } from '../inpage/provider.js'
import type { ConnectionStatus } from '../shared/connection-status.js'
import type { EnsNames } from '../web/ens-names.js'
import { LINES_KEPT } from './constants.js'
import { BROKEN_INVITE_WORDS, failureWords, MISSED_WORDS } from './widget-words.js'

/** Where the widget is, from finding Ghost Threads to the room ending. */
export type Phase =
  | { name: 'looking' }
  | { name: 'ready' }
  | { name: 'asking' }
  | { name: 'joining' }
  | { name: 'denied' }
  | { name: 'joined' }
  | { name: 'ended'; reason: ClosedReason }
  | { name: 'failed'; message: string }

export interface ChatLine {
  /** A post's id, or `missed-<n>` for a notice of posts that could not be fetched. */
  postId: string
  author: string
  text: string
  /** Seconds since 1970, as posts carry it. */
  timestamp: number
  to?: string
  mine: boolean
  delivery?: Delivery
  /** Set on a notice line (not a post): what the reader should know at this point. */
  notice?: string
}

export interface ChatStoreInit {
  space: string
  room: string
  /** The site's relays for its rooms (openSpace's `relays`). */
  relays?: string[]
  provider: () => Promise<Pick<GhostThreadsProvider, 'openSpace' | 'status' | 'on'>>
  /** Names linked accounts by ENS through the page's own wallet, when it has one. */
  names?: EnsNames
  /** The private room of this invite (issue 25), not the public room of that name. */
  invite?: string
}

function textOf(message: unknown): string {
  return typeof message === 'string' ? message : JSON.stringify(message)
}

export function createChatStore(init: ChatStoreInit) {
  const phase = signal<Phase>({ name: 'looking' })
  const did = signal<string | undefined>(undefined)
  const lines = signal<ChatLine[]>([])
  const members = signal<LinkedMember[]>([])
  const connection = signal<ConnectionStatus>({ state: 'idle', rooms: [] })
  /**
   * Bumped on every typing, reactions and seen event: the thread keeps those signals
   * (typingNow, reactionsOf, seenBy), and what reads them here renders again.
   */
  const signalled = signal(0)
  /** Members online, us included: exact, where the member list is capped. */
  const online = signal<number | undefined>(undefined)
  /** ENS names of linked accounts (lower-case address → name) that resolved back to them. */
  const names = signal<ReadonlyMap<string, string>>(new Map())
  let provider: Awaited<ReturnType<ChatStoreInit['provider']>> | undefined
  let thread: PageThread | undefined

  const queued = computed(
    () => lines.value.filter((line) => line.mine && line.delivery === 'queued').length,
  )

  /** Adds lines in time order (a stable sort: a same-second line goes after), newest kept. */
  function insert(added: ChatLine[]): void {
    const next = [...lines.value, ...added].sort((a, b) => a.timestamp - b.timestamp)
    lines.value = next.length > LINES_KEPT ? next.slice(-LINES_KEPT) : next
  }

  function add(posts: Post[]): void {
    const known = new Set(lines.value.map((line) => line.postId))
    const fresh = posts.filter((post) => !known.has(post.postId))
    if (fresh.length === 0) return
    const added = fresh.map((post): ChatLine => {
      // Our own post's word may have come before its line (the `delivery` event).
      const delivery = thread?.deliveryOf(post.postId)
      return {
        postId: post.postId,
        author: post.author,
        text: textOf(post.message),
        timestamp: post.timestamp,
        ...(post.to === undefined ? {} : { to: post.to }),
        mine: post.author === did.value,
        ...(delivery === undefined ? {} : { delivery }),
      }
    })
    insert(added)
    // A member who linked a wallet since the list was read: read it again.
    if (fresh.some((post) => post.address !== undefined)) void refreshMembers()
  }

  async function refreshMembers(): Promise<void> {
    if (thread === undefined) return
    const listed = await thread.listMembersWithAddresses().catch(() => undefined)
    if (listed === undefined) return
    members.value = listed
    for (const { address } of listed) if (address !== undefined) void nameAccount(address)
  }

  /** Looks the account's ENS name up once (cached by EnsNames); shown only once it checks out. */
  async function nameAccount(address: string): Promise<void> {
    const name = await init.names?.nameOf(address)
    if (name === undefined || names.value.get(address.toLowerCase()) === name) return
    names.value = new Map([...names.value, [address.toLowerCase(), name]])
  }

  async function start(): Promise<void> {
    // A broken invite is said before anything is asked of the reader.
    if (init.invite !== undefined && inviteProblem(init.invite) !== undefined) {
      phase.value = { name: 'failed', message: BROKEN_INVITE_WORDS }
      return
    }
    try {
      provider = await init.provider()
    } catch (err) {
      phase.value = { name: 'failed', message: failureWords(err) }
      return
    }
    provider.on('status', (status) => {
      connection.value = status
    })
    phase.value = { name: 'ready' }
  }

  async function join(): Promise<void> {
    if (provider === undefined) return
    phase.value = { name: 'asking' }
    try {
      const space = await provider.openSpace(
        init.space,
        init.relays === undefined ? {} : { relays: init.relays },
      )
      phase.value = { name: 'joining' }
      did.value = space.did
      const invite = init.invite === undefined ? {} : { invite: init.invite }
      const joined = await space.joinThread(init.room, { ghost: true, ...invite })
      thread = joined
      lines.value = []
      phase.value = { name: 'joined' }
      joined.on('message', (post) => add([post]))
      joined.on('backlog-received', (event) => add(event.message))
      joined.on('user-joined', () => void refreshMembers())
      joined.on('user-left', () => void refreshMembers())
      for (const event of ['typing', 'reactions', 'seen'] as const)
        joined.on(event, () => {
          signalled.value++
        })
      joined.on('members', (count) => {
        online.value = count
      })
      joined.on('delivery', (postId, delivery) => {
        lines.value = lines.value.map((line) =>
          line.postId === postId ? { ...line, delivery } : line,
        )
      })
      joined.on('missed', (gap) => {
        const notice: ChatLine = {
          postId: `missed-${gap.after}-${gap.before}`,
          author: '',
          text: '',
          timestamp: gap.before,
          mine: false,
          notice: MISSED_WORDS,
        }
        insert([notice])
      })
      joined.on('closed', (reason) => {
        thread = undefined
        signalled.value++
        phase.value = { name: 'ended', reason }
      })
      await refreshMembers()
      connection.value = await provider.status()
    } catch (err) {
      const code = (err as { code?: unknown }).code
      phase.value =
        code === 4001 ? { name: 'denied' } : { name: 'failed', message: failureWords(err) }
    }
  }

  async function send(text: string, to?: string): Promise<boolean> {
    const trimmed = text.trim()
    if (trimmed === '') return false
    if (thread === undefined)
      throw Object.assign(new Error('not in the room'), { name: 'ThreadClosedError' })
    // Its line and what became of it come as the thread's `message` and `delivery` events.
    await thread.post(trimmed, to)
    return true
  }

  async function leave(): Promise<void> {
    await thread?.close()
  }

  /** The reader types: the room hears it (the thread paces the signals). */
  function typed(): void {
    void thread?.typing().catch(() => undefined)
  }

  /** Puts the reader's emoji on a post, or takes it off when it is there already. */
  async function toggleReaction(postId: string, emoji: string): Promise<void> {
    if (thread === undefined || did.value === undefined) return
    const mine = thread.reactionsOf(postId).find((reaction) => reaction.emoji === emoji)
    if (mine?.dids.includes(did.value)) await thread.unreact(postId, emoji)
    else await thread.react(postId, emoji)
  }

  /** How many members besides its author and the reader have seen the post. */
  function seenBy(line: ChatLine): number {
    void signalled.value
    return thread?.seenBy(line) ?? 0
  }

  /** Who is typing now (the thread ends each by itself). */
  function typingNow(): readonly string[] {
    void signalled.value
    return thread?.typingNow() ?? []
  }

  /** A post's reactions as they stand. */
  function reactionsOf(postId: string): PostReactions {
    void signalled.value
    return thread?.reactionsOf(postId) ?? []
  }

  return {
    /** Whether the room is a private room (only people with its invite read it). */
    isPrivate: init.invite !== undefined,
    phase,
    did,
    lines,
    members,
    connection,
    queued,
    online,
    names,
    start,
    join,
    send,
    leave,
    typed,
    toggleReaction,
    seenBy,
    typingNow,
    reactionsOf,
  }
}

export type ChatStore = ReturnType<typeof createChatStore>
