/**
 * The kinds of bad message an outsider can publish to a room's topic, each made by hand
 * (test/helpers/jwt-forge.ts) the way a hostile node would, and what the issue measured
 * before it was closed.
 */
import { LIVE_MAX_AGE_S, MAX_CLOCK_SKEW_S, MAX_JWT_BYTES } from '../../src/core/constants.js'
import { b64, claims, edKey, forge } from '../../test/helpers/jwt-forge.js'

const utf8 = new TextEncoder()

export interface BadKind {
  name: string
  /** What the relay counts it as (`ghost_relay_messages_total` reasons), if it is validated. */
  reasons: string[]
  /** `count` distinct instances for `topic` (a replay is one message, sent `count` times). */
  make(topic: string, count: number): Uint8Array[]
}

const mallory = edKey()
const nowS = () => Math.floor(Date.now() / 1000)
const many = (count: number, one: (i: number) => string) =>
  Array.from({ length: count }, (_, i) => utf8.encode(one(i)))

export const BAD_KINDS: BadKind[] = [
  {
    name: 'forged (signed by another key than its issuer)',
    reasons: ['bad-signature'],
    make: (topic, count) => {
      const victim = edKey()
      return many(count, (i) =>
        forge(mallory, claims(mallory, 'chat', topic, { iss: victim.did, message: `forged ${i}` })),
      )
    },
  },
  {
    name: 'edited (text changed after signing)',
    reasons: ['bad-signature'],
    make: (topic, count) =>
      many(count, (i) => {
        const [header, , signature] = forge(mallory, claims(mallory, 'chat', topic)).split('.')
        const edited = b64(claims(mallory, 'chat', topic, { message: `edited ${i}` }))
        return `${header}.${edited}.${signature}`
      }),
  },
  {
    name: 'cross-room (signed for another room)',
    reasons: ['wrong-room'],
    make: (_topic, count) =>
      many(count, (i) =>
        forge(mallory, claims(mallory, 'chat', '3box.chat.v2.other.room', { message: `x ${i}` })),
      ),
  },
  {
    name: 'replayed (one valid message sent again and again)',
    reasons: ['duplicate'],
    make: (topic, count) => {
      const once = utf8.encode(forge(mallory, claims(mallory, 'chat', topic, { message: 'once' })))
      return Array.from({ length: count }, () => once)
    },
  },
  {
    name: `stale (iat ${LIVE_MAX_AGE_S + 10} s ago)`,
    reasons: ['too-old'],
    make: (topic, count) =>
      many(count, (i) =>
        forge(
          mallory,
          claims(mallory, 'chat', topic, {
            iat: nowS() - LIVE_MAX_AGE_S - 10,
            message: `old ${i}`,
          }),
        ),
      ),
  },
  {
    name: `future (iat ${MAX_CLOCK_SKEW_S + 10} s ahead)`,
    reasons: ['future-iat'],
    make: (topic, count) =>
      many(count, (i) =>
        forge(
          mallory,
          claims(mallory, 'chat', topic, {
            iat: nowS() + MAX_CLOCK_SKEW_S + 10,
            message: `ahead ${i}`,
          }),
        ),
      ),
  },
  {
    name: `oversized (JWT over ${MAX_JWT_BYTES / 1024} KiB)`,
    reasons: ['oversized'],
    make: (topic, count) =>
      many(count, (i) =>
        forge(
          mallory,
          claims(mallory, 'chat', topic, { message: `${i}${'x'.repeat(MAX_JWT_BYTES)}` }),
        ),
      ),
  },
  {
    name: 'malformed (not a JWT)',
    reasons: ['malformed-jwt', 'malformed-base64', 'malformed-json'],
    make: (_topic, count) => many(count, (i) => `not.a.jwt-${i}`),
  },
  {
    name: 'deep (message nested 2,500 levels)',
    reasons: ['invalid-claims'],
    make: (topic, count) =>
      many(count, (i) => {
        const deep = `${'['.repeat(2_500)}${i}${']'.repeat(2_500)}`
        const payload = JSON.stringify(claims(mallory, 'chat', topic)).replace(
          '"message":"hello"',
          `"message":${deep}`,
        )
        const header = b64({ typ: 'JWT', alg: 'EdDSA' })
        return `${header}.${Buffer.from(payload).toString('base64url')}.${'A'.repeat(86)}`
      }),
  },
]
