/**
 * The typed contracts of the extension's internal hops, on @webext-core/messaging (one-shot
 * runtime/tabs messages with typed names, data and replies). One messenger per hop, so a
 * context only ever answers the messages of its own role:
 *
 *   content gate  ─page:*──▶  router  ─host:*──▶  host (offscreen document)
 *   content gate  ◀─page:events── router ◀─router:*── host
 *   prompt window ─prompt:*─▶ router
 *
 * Replies are `Outcome`s, never thrown errors, so names and codes survive every hop.
 */
import { defineExtensionMessaging } from '@webext-core/messaging'
import type { WalletLink } from '../core/schema.js'
import type { DappMethod, ThreadMethod } from './dapp-methods.js'
import type { Outcome } from './errors.js'
import type { ArgOf, HostInvocation, HostResult } from './host-protocol.js'
import type { BlockRequest, TabRef } from './manage-requests.js'
import type { Owner } from './owner.js'
import type { PermissionEntry } from './permission-entry.js'
import { POPUP_HOST_REQUEST_NAMES, type PopupHostRequest } from './popup-request-names.js'
import type { Settings } from './settings.js'
import type { ThreadEvent } from './thread-events.js'

export interface PageCall {
  session: string
  method: DappMethod | string
  params: unknown
}

/** Content gate ⇄ router. */
export interface PageProtocol {
  'page:call'(call: PageCall): Outcome
  /** Router → one frame's gate; true when that very document took them. */
  'page:events'(batch: { session: string; events: ThreadEvent[] }): boolean
}

export interface HostCall {
  owner: Owner
  method: ThreadMethod
  params: unknown
  /** The spaces the owner's origin is allowed to use now (the router's permissions). */
  allowedSpaces: string[]
  /** joinThread: the relays the user allowed this origin to name for the space. */
  spaceRelays?: string[]
  /** joinThread: the wallet link the user made on this origin for the space. */
  walletLink?: WalletLink
}

/** What the popup and tests may read about the host. Never message text. */
export interface HostStatus {
  /** One per space in use: spaces do not share a peer id (net/space-network.ts). */
  peerIds: string[]
  relays: { address: string; connected: boolean }[]
  connections: number
  directPeers: number
  /** The host context's JS heap (Chrome's performance.memory), when the browser tells it. */
  jsHeapBytes?: number
  /** `direct`: members' peers we gossip with over WebRTC, i.e. reachable without a relay. */
  threads: {
    space: string
    room: string
    members: number
    direct: number
    owners: string[]
    /** Posts from others since the user last opened the room in the popup. */
    unread: number
    /** The room's topic: a private room's is opaque, and names it apart from its namesakes. */
    topic: string
    /** A private room (issue 25): read only by those given its invite. */
    private: boolean
  }[]
}

/** Router → host: every call of the host's contract (host-protocol.ts) as one message. */
export interface HostProtocol {
  'host:invoke'(invocation: HostInvocation): Outcome
}

/** Host → router. */
export interface RouterProtocol {
  'router:deliver'(batch: { owner: Owner; events: ThreadEvent[] }): boolean
  'router:settings'(): Settings
}

export interface PromptDetails {
  origin: string
  space: string
  did: string
  /** Relays the site named for its rooms, beside the user's own (none: the user's only). */
  relays: string[]
  /** Set when the site asks to link a wallet account to the DID (issue 14). */
  link?: { address: string; chainId: number }
}

/** The popup's requests the router parses and forwards to the host (manage-requests.ts). */
type ForwardedToHost = {
  [K in PopupHostRequest as `manage:${K}`]: (...request: ArgOf<K>) => Outcome<HostResult<K>>
}

/** Extension pages (the popup, settings) → router: what a person may see and change. */
export interface ManageProtocol extends ForwardedToHost {
  'manage:permissions'(): Outcome<PermissionEntry[]>
  'manage:revoke'(request: { origin: string; space?: string }): Outcome<null>
  'manage:settings'(): Outcome<Settings>
  /** Validated, stored, and applied to the running host without a restart. */
  'manage:saveSettings'(settings: Settings): Outcome<Settings>
  /** Adds a DID to the block list or takes it off; resolves to the settings saved. */
  'manage:block'(request: BlockRequest): Outcome<Settings>
  /** The user's DID in each space a site may use. */
  'manage:identities'(): Outcome<{ space: string; did: string }[]>
  /** Brings a tab that is in a room to the front. */
  'manage:showTab'(request: TabRef): Outcome<null>
}

/** Permission prompt window → router. */
export interface PromptProtocol {
  'prompt:details'(request: { id: string }): PromptDetails | null
  'prompt:decide'(decision: { id: string; allow: boolean }): boolean
}

export const pageMessenger = defineExtensionMessaging<PageProtocol>()
export const hostMessenger = defineExtensionMessaging<HostProtocol>()
export const routerMessenger = defineExtensionMessaging<RouterProtocol>()
export const promptMessenger = defineExtensionMessaging<PromptProtocol>()
export const manageMessenger = defineExtensionMessaging<ManageProtocol>()

/** Every message name of each protocol, so tests can prove each one has a handler. */
export const PROTOCOL_MESSAGES = {
  page: ['page:call', 'page:events'],
  host: ['host:invoke'],
  router: ['router:deliver', 'router:settings'],
  prompt: ['prompt:details', 'prompt:decide'],
  manage: [
    'manage:permissions',
    'manage:revoke',
    'manage:settings',
    'manage:saveSettings',
    'manage:block',
    'manage:identities',
    'manage:showTab',
    ...POPUP_HOST_REQUEST_NAMES.map((name) => `manage:${name}` as const),
  ],
} as const satisfies {
  page: (keyof PageProtocol)[]
  host: (keyof HostProtocol)[]
  router: (keyof RouterProtocol)[]
  prompt: (keyof PromptProtocol)[]
  manage: (keyof ManageProtocol)[]
}

type Listed = (typeof PROTOCOL_MESSAGES)[keyof typeof PROTOCOL_MESSAGES][number]
type AllMessages =
  | keyof PageProtocol
  | keyof HostProtocol
  | keyof RouterProtocol
  | keyof PromptProtocol
  | keyof ManageProtocol
/** Fails to compile when a message is added to a protocol but not to PROTOCOL_MESSAGES. */
export const EVERY_MESSAGE_LISTED: [Exclude<AllMessages, Listed>] extends [never] ? true : never =
  true
