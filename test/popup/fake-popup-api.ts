/** The router and host as the popup sees them, in memory: one room whose feed tests fill. */
import type { Post } from '../../src/core/post.js'
import type { PopupApi } from '../../src/popup/store.js'
import type { HostStatus } from '../../src/shared/messengers.js'
import type { FeedPost, RoomView } from '../../src/shared/room-view.js'
import { DEFAULT_SETTINGS, type Settings } from '../../src/shared/settings.js'

export const SELF = `did:key:z6Mk${'s'.repeat(44)}`
export const BOB = `did:key:z6Mk${'b'.repeat(44)}`
export const CAROL = `did:key:z6Mk${'c'.repeat(44)}`

export function status(overrides: Partial<HostStatus> = {}): HostStatus {
  return {
    peerIds: ['12D3KooWtest'],
    relays: [{ address: '/ip4/127.0.0.1/tcp/4040/ws', connected: true }],
    connections: 3,
    directPeers: 1,
    threads: [],
    ...overrides,
  }
}

export function post(author: string, message: Post['message'], extra: Partial<Post> = {}): Post {
  return {
    type: 'chat',
    author,
    message,
    timestamp: 1_700_000_000,
    postId: `bafy${Math.random().toString(36).slice(2)}`,
    ...extra,
  }
}

const fail = (message: string) =>
  ({ ok: false, error: { name: 'InvalidArgumentError', code: -32602, message } }) as const

/** The open room's invite when the fake's room is private. */
export const INVITE =
  'q0Yh3v9dKx2mTn7cWb5RjLp8sAe4Fg6HiUoZyXwVuQAb7Kd2Lm9Np4Qr6St8Uv1Wx3Yz5Ab7Cd9Ef2Gh4Ij6Kg'
const PRIVATE_TOPIC = '3box.chat.v2-private.z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp'

/** `privateRoom`: the one room is a private room (issue 25), with an invite to copy. */
export function fakePopupApi({ privateRoom = false } = {}) {
  let settings: Settings = DEFAULT_SETTINGS
  let open = true
  /** Whether the user keeps the private room (its invite beside the seed). */
  let kept = false
  const feed: FeedPost[] = []
  const calls: string[] = []
  const saved: Settings[] = []
  const revoked: string[] = []
  const add = (p: Post) => feed.push({ seq: feed.length + 1, post: p })
  /** The room's signals as the host would report them; tests set them. */
  const signals: Pick<RoomView, 'typing' | 'reactions' | 'seen'> = { typing: [], reactions: {} }
  const api: PopupApi = {
    version: '9.9.9',
    status: async () => ({
      ok: true,
      result: status({
        threads: open
          ? [
              {
                space: 'dao',
                room: 'lobby',
                members: 2,
                direct: 1,
                owners: ['https://a.example'],
                unread: 3,
                topic: privateRoom ? PRIVATE_TOPIC : '3box.chat.v2.dao.lobby',
                private: privateRoom,
              },
            ]
          : [],
      }),
    }),
    permissions: async () => ({
      ok: true,
      result: [{ origin: 'https://a.example', space: 'dao', decision: 'allow', at: 1 }],
    }),
    revoke: async ({ origin, space = '' }) => {
      revoked.push(`${origin} ${space}`)
      return { ok: true, result: null }
    },
    settings: async () => ({ ok: true, result: settings }),
    saveSettings: async (next) => {
      if (next.relays.some((relay) => !relay.startsWith('/')))
        return fail('relays.0: not a multiaddr')
      saved.push(next)
      settings = next
      return { ok: true, result: next }
    },
    block: async ({ did, blocked }) => {
      calls.push(`${blocked ? 'block' : 'unblock'} ${did}`)
      const others = settings.blocked.filter((one) => one !== did)
      settings = { ...settings, blocked: blocked ? [...others, did] : others }
      return { ok: true, result: settings }
    },
    roomView: async ({ space, room, after }) => {
      if (!open)
        return {
          ok: false,
          error: {
            name: 'RoomNotOpenError',
            code: 4900,
            message: 'No tab is in this room any more',
          },
        }
      const hide = (e: FeedPost) => settings.blocked.includes(e.post.author)
      return {
        ok: true,
        result: {
          space,
          room,
          did: SELF,
          posts: feed.filter((e) => e.seq > after && !hide(e)),
          latest: feed.length,
          hidden: feed.filter(hide).length,
          members: [SELF, BOB]
            .map((did) => ({
              did,
              online: true,
              blocked: settings.blocked.includes(did),
            }))
            .concat([{ did: CAROL, online: false, blocked: settings.blocked.includes(CAROL) }]),
          online: 2,
          ...signals,
          tabs: [{ origin: 'https://a.example', tabId: 4 }],
          private: privateRoom,
          kept,
        },
      }
    },
    postFromPopup: async ({ message, to }) => {
      if (message === 'too long') return fail('The message is too large; send less text')
      add(post(SELF, message, to === undefined ? {} : { to }))
      return { ok: true, result: 'bafy' }
    },
    reactFromPopup: async ({ postId, emoji, remove }) => {
      calls.push(`${remove === true ? 'unreact' : 'react'} ${emoji} ${postId}`)
      return { ok: true, result: null }
    },
    typingFromPopup: async () => {
      calls.push('typing')
      return { ok: true, result: true }
    },
    leaveRoom: async () => {
      calls.push('leave')
      open = false
      return { ok: true, result: 1 }
    },
    keepRoom: async ({ keep }) => {
      calls.push(keep ? 'keep' : 'forget')
      kept = keep && privateRoom
      return { ok: true, result: kept }
    },
    keptRooms: async () => ({
      ok: true,
      result: kept ? [{ space: 'dao', room: 'lobby', topic: PRIVATE_TOPIC }] : [],
    }),
    roomInvite: async ({ topic }) => {
      calls.push(`invite ${topic ?? 'no topic'}`)
      return privateRoom && topic === PRIVATE_TOPIC
        ? { ok: true, result: INVITE }
        : fail(
            '"lobby" is a public room: anyone who knows its name can join it, and it has no invite',
          )
    },
    redial: async () => {
      calls.push('redial')
      return { ok: true, result: null }
    },
    identities: async () => ({ ok: true, result: [{ space: 'dao', did: SELF }] }),
    exportPhrase: async () => {
      calls.push('export')
      return { ok: true, result: Array.from({ length: 24 }, (_, i) => `word${i + 1}`).join(' ') }
    },
    importPhrase: async ({ phrase }) => {
      calls.push(`import ${phrase}`)
      return phrase.startsWith('good')
        ? { ok: true, result: null }
        : fail('Word 3 ("xx") is not in the recovery word list')
    },
    showTab: async ({ tabId }) => {
      calls.push(`show ${tabId}`)
      return { ok: true, result: null }
    },
  }
  return { api, add, calls, saved, revoked, signals }
}
