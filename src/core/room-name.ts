import { NAME_PATTERN, PRIVATE_TOPIC_PREFIX, TOPIC_PREFIX } from './constants.js'
import { InvalidNameError } from './errors.js'

export type NameKind = 'space' | 'room'

/** Throws InvalidNameError unless `name` is a valid space or room name. */
export function assertValidName(kind: NameKind, name: unknown): asserts name is string {
  if (typeof name !== 'string') {
    throw new InvalidNameError(`The ${kind} name must be a string, got ${typeof name}`)
  }
  if (!NAME_PATTERN.test(name)) {
    const shown = name.length > 80 ? `${name.slice(0, 80)}…` : name
    throw new InvalidNameError(
      `Invalid ${kind} name ${JSON.stringify(shown)}: use 1–64 characters of A-Z, a-z, 0-9, _ and -`,
    )
  }
}

/** The pubsub topic of a room: `3box.chat.<space>.<room>` (3IP-9). */
export function topicFor(space: string, room: string): string {
  assertValidName('space', space)
  assertValidName('room', room)
  return `${TOPIC_PREFIX}.${space}.${room}`
}

const NAME = NAME_PATTERN.source.slice(1, -1) // the pattern without its ^ and $
const PREFIX = TOPIC_PREFIX.replaceAll('.', '\\.')
/** A ghost-thread topic; groups 1 and 2 are the space and the room. */
export const TOPIC_PATTERN = new RegExp(`^${PREFIX}\\.(${NAME})\\.(${NAME})$`)

/** The space and room of a topic, or undefined when it is not a ghost-thread topic. */
export function parseTopic(topic: string): { space: string; room: string } | undefined {
  const match = TOPIC_PATTERN.exec(topic)
  if (match?.[1] === undefined || match[2] === undefined) return undefined
  return { space: match[1], room: match[2] }
}

export function isTopic(topic: unknown): topic is string {
  return typeof topic === 'string' && TOPIC_PATTERN.test(topic)
}

/** A private room's topic: the room key's public half (multibase base58btc), nothing else. */
export const PRIVATE_TOPIC_PATTERN = new RegExp(
  `^${PRIVATE_TOPIC_PREFIX.replaceAll('.', '\\.')}\\.z[1-9A-HJ-NP-Za-km-z]{43,44}$`,
)
/** Any room's topic, public or private: what claims may name and relays serve. */
export const ROOM_TOPIC_PATTERN = new RegExp(
  `${TOPIC_PATTERN.source}|${PRIVATE_TOPIC_PATTERN.source}`,
)

export function isPrivateTopic(topic: unknown): topic is string {
  return typeof topic === 'string' && PRIVATE_TOPIC_PATTERN.test(topic)
}

/** A public or a private room's topic. */
export function isRoomTopic(topic: unknown): topic is string {
  return isTopic(topic) || isPrivateTopic(topic)
}

/**
 * The relay-only topic of a crowd room (issue 26): relays tell each other the claims their
 * own clients made there, since in a crowd none of them goes on the room's topic. Never a
 * room topic (members do not subscribe, and relays announce it to relays only).
 */
export function rosterTopicOf(topic: string): string {
  return `${topic}${ROSTER_SUFFIX}`
}

/** The room whose relay-only topic this is, if it is one. */
export function roomOfRosterTopic(topic: string): string | undefined {
  if (!topic.endsWith(ROSTER_SUFFIX)) return undefined
  const room = topic.slice(0, -ROSTER_SUFFIX.length)
  return isTopic(room) ? room : undefined
}

const ROSTER_SUFFIX = '/roster'
