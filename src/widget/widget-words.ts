/**
 * What the widget says to people, in plain words, once: its states, why a room ended, and
 * how members are named. A dapp's users read these, not developers: no error names, no codes.
 */
import type { ClosedReason } from '../core/closed-reason.js'
import type { LinkedMember } from '../core/link-scope.js'
import { shortAddress, shortDid } from '../ui/did-display.js'
import type { Phase } from './chat-store.js'

export const ENDED_BECAUSE: Record<ClosedReason, string> = {
  closed: 'You left the room.',
  'left-in-popup': 'You left this room in Ghost Threads.',
  revoked: "This site's access to Ghost Threads was removed.",
  'identity-changed': 'Your Ghost Threads identity changed.',
  'host-restarted': 'Ghost Threads restarted and could not rejoin this room.',
  moved: 'This private room moved to a new invite link.',
  removed:
    'The person who made this private room gave it a new invite link, and did not send it to you.',
}

/** A private room's mark in the header, and what it means (issue 25). */
export const PRIVATE_WORDS = {
  mark: '🔒 private',
  meaning: 'A private room: only people with its invite link can read it',
}

/** The page gave the widget an invite that is not one. */
export const BROKEN_INVITE_WORDS =
  "This chat's invite link is broken or incomplete. Ask whoever sent it for the link again."

/** Where posts may be missing: more was said while the reader was away than could be fetched. */
export const MISSED_WORDS =
  'Some messages from while you were away could not be fetched: more was said than the room keeps.'

/** The banner for a phase, or undefined when the chat speaks for itself. */
export function phaseWords(phase: Phase): string | undefined {
  switch (phase.name) {
    case 'looking':
      return 'Connecting to Ghost Threads…'
    case 'ready':
      return 'Chat with whoever is here right now. Nothing is stored: messages vanish when everyone leaves.'
    case 'asking':
      return 'Waiting for you to allow this chat in Ghost Threads…'
    case 'joining':
      return 'Joining the room…'
    case 'denied':
      return "You declined this chat for this site. To join, open Ghost Threads (the toolbar button), go to Settings and forget this site's refusal, then join again."
    case 'ended':
      return `${ENDED_BECAUSE[phase.reason]} Join again to keep chatting.`
    case 'failed':
      return phase.message
    case 'joined':
      return undefined
  }
}

/** The banner while joined: the connection, and posts waiting for it. */
export function connectionWords(state: string, queued: number): string | undefined {
  const waiting =
    queued === 0
      ? ''
      : ` ${queued === 1 ? '1 message' : `${queued} messages`} will be sent when it is back.`
  if (state === 'connecting') return `Connecting to the room…${waiting}`
  if (state === 'offline') return `Offline: nobody can be reached right now.${waiting}`
  return queued > 0 ? `Sending…${waiting}` : undefined
}

/** ENS names by lower-case address (only those that resolved back to their account). */
export type AccountNames = ReadonlyMap<string, string>

/**
 * A member's name: the ENS name of the account its wallet link names here, else that
 * account shortened, else its short DID.
 */
export function nameOf(
  did: string,
  members: readonly LinkedMember[],
  names: AccountNames = new Map(),
): string {
  const address = members.find((member) => member.did === did)?.address
  if (address === undefined) return shortDid(did)
  return names.get(address.toLowerCase()) ?? shortAddress(address)
}

/** Who is typing, in words: names for one or two, "several people" for a crowd. */
export function typingWords(typers: readonly string[]): string | undefined {
  if (typers.length === 0) return undefined
  if (typers.length === 1) return `${typers[0]} is typing…`
  if (typers.length === 2) return `${typers[0]} and ${typers[1]} are typing…`
  return 'Several people are typing…'
}

/** Under a post: how many others have seen it. */
export function seenWords(count: number): string | undefined {
  if (count === 0) return undefined
  return count === 1 ? 'Seen by 1' : `Seen by ${count}`
}

/** Names a mention of `did` may use (`@name`), compared without case. */
export function mentionNames(
  did: string,
  members: readonly LinkedMember[],
  names: AccountNames = new Map(),
): string[] {
  const address = members.find((member) => member.did === did)?.address
  if (address === undefined) return [shortDid(did)]
  const ens = names.get(address.toLowerCase())
  return [shortDid(did), shortAddress(address), address, ...(ens === undefined ? [] : [ens])]
}

const TIME = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' })
const FULL = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' })

export function timeOf(timestamp: number): { short: string; full: string } {
  const at = new Date(timestamp * 1000)
  return { short: TIME.format(at), full: FULL.format(at) }
}

/** Why a message was not sent, by the error's name; anything else: try again. */
const NOT_SENT_BECAUSE: Record<string, string> = {
  MessageTooLargeError: 'That message is too long. Shorten it and send again.',
  RateLimitedError: 'You are sending too fast. Wait a moment and send again.',
  NotAMemberError: 'That person has left the room.',
  DirectMessageFailedError: 'That person could not be reached. Try again, or write to everyone.',
  PeerUnreachableError: 'That person could not be reached. Try again, or write to everyone.',
  ThreadClosedError: 'The room has ended. Join again to keep chatting.',
  UnauthorizedError: "This site's access to Ghost Threads was removed. Join again to ask for it.",
}

export function notSentWords(err: unknown): string {
  const name = (err as { name?: unknown })?.name
  return typeof name === 'string' && Object.hasOwn(NOT_SENT_BECAUSE, name)
    ? (NOT_SENT_BECAUSE[name] as string)
    : 'Not sent. Check your connection and send again.'
}

/** Why the chat could not start or join, for a person (the developer's console has the rest). */
export function failureWords(err: unknown): string {
  const name = (err as { name?: unknown })?.name
  if (name === 'PromptPendingError') return 'Ghost Threads is already asking you in another window.'
  if (name === 'PageHostBusyError') return 'This site already chats in another tab. Use that tab.'
  if (name === 'LocalRelayError') return "This site's chat server is on a private network."
  console.error('ghost-chat:', err)
  return 'Something went wrong. Reload the page to try again.'
}
