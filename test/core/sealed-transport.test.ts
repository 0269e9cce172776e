/**
 * The private room's transport on a fake network (sealed-transport.ts): what it turns a
 * thread's publish and relay backlog request into, what it makes of a relay's answer,
 * and which failures may cost the forwarding peer score.
 */
import { describe, expect, it } from '@jest/globals'
import { base64url } from 'multiformats/bases/base64'
import {
  BACKLOG_PROTOCOL,
  createSeedIdentity,
  generateSeed,
  MemoryHub,
  type MemoryTransport,
  PRIVATE_BACKLOG_PROTOCOL,
  signClaims,
  type UnsignedClaims,
} from '../../src/core/index.js'
import {
  inviteSecret,
  isRoomEnvelope,
  isRoomRequest,
  newInvite,
  open,
  privateRoomKeys,
  seal,
} from '../../src/core/private-room.js'
import { PrivateBacklogRequest } from '../../src/core/schema.js'
import { SealedTransport } from '../../src/core/sealed-transport.js'
import type { IncomingMessage, ValidationResult } from '../../src/core/transport.js'
import { decodeUtf8, encodeUtf8 } from '../../src/core/utf8.js'
import { CREATOR } from '../helpers/invites.js'

const RELAY = '12D3KooWTheRelay000000000000000000'
const keys = privateRoomKeys(inviteSecret(newInvite(CREATOR)), 'testspace')

/** A transport of the memory hub whose one relay answers private backlog requests with `answer`. */
function withRelay(answer: (request: PrivateBacklogRequest) => unknown) {
  const hub = new MemoryHub()
  const inner: MemoryTransport & { routes?: () => string[] } = hub.createTransport()
  const asked: { peer: string; protocol: string; data: Uint8Array }[] = []
  inner.routes = () => [RELAY]
  inner.request = async (peer, protocol, data) => {
    asked.push({ peer, protocol, data })
    if (protocol !== PRIVATE_BACKLOG_PROTOCOL) return encodeUtf8('{"request":"","entries":[]}')
    return encodeUtf8(
      JSON.stringify(answer(PrivateBacklogRequest.parse(JSON.parse(decodeUtf8(data) ?? '')))),
    )
  }
  return { hub, inner, asked, sealed: new SealedTransport(inner, keys) }
}

async function signed(claims: Record<string, unknown>, seed = generateSeed()): Promise<string> {
  const signer = await createSeedIdentity(seed).signerForSpace('testspace')
  return (await signClaims(signer, { room: keys.topic, ...claims } as UnsignedClaims, Date.now()))
    .jwt
}

const envelopeOf = async (jwt: string) => base64url.baseEncode(await seal(keys, encodeUtf8(jwt)))

describe('a sealed transport', () => {
  it('publishes envelopes the room key signed, and other topics as they are', async () => {
    const { hub, sealed } = withRelay(() => ({ entries: [] }))
    const seen: Uint8Array[] = []
    hub.createTransport().subscribe(keys.topic, async ({ data }) => {
      seen.push(data)
      return 'accept'
    })
    await sealed.publish(keys.topic, encodeUtf8('a jwt'))
    expect(await isRoomEnvelope(keys.topic, seen[0] as Uint8Array)).toBe(true)
    expect(await open(keys, seen[0] as Uint8Array)).toEqual(encodeUtf8('a jwt'))
  })

  it('asks a relay with the room key signature for our peer, and opens what it kept', async () => {
    const seed = generateSeed()
    const join = await signed(
      { type: 'join', peer: 'QmLeaverPeer0000000000000000', relays: [], ttl: 60 },
      seed,
    )
    const post = await signed({ type: 'chat', message: 'kept for you' })
    const typing = await signed({ type: 'typing' })
    const leave = await signed({ type: 'leave', peer: 'QmLeaverPeer0000000000000000' }, seed)
    // Another member beat twice: only its newest claim is kept (and checked).
    const bea = generateSeed()
    const beat = { type: 'presence', peer: 'QmBeaPeer0000000000000000000', relays: [], ttl: 60 }
    const [olderBeat, newerBeat] = [await signed(beat, bea), await signed(beat, bea)]
    let checked: Promise<boolean> = Promise.resolve(false)
    const kept = [olderBeat, join, post, typing, leave, newerBeat]
    const entries = await Promise.all(kept.map(envelopeOf))
    const { sealed, asked } = withRelay((request) => {
      checked = isRoomRequest(request, sealed.peerId, Math.floor(Date.now() / 1000))
      return { entries, complete: true }
    })
    const request = await signed({ type: 'request_backlog', since: 5 })
    const answer = JSON.parse(
      decodeUtf8(await sealed.request(RELAY, BACKLOG_PROTOCOL, encodeUtf8(request))) ?? '',
    )
    expect(await checked).toBe(true)
    expect(asked[0]?.protocol).toBe(PRIVATE_BACKLOG_PROTOCOL)
    // The relay never saw our request_backlog (which names our DID), only the room key's word.
    expect(decodeUtf8(asked[0]?.data ?? new Uint8Array())).not.toContain('did:key')
    expect(JSON.parse(decodeUtf8(asked[0]?.data ?? new Uint8Array()) ?? '').since).toBe(5)
    // The join its own leave followed, the typing signal, the leave and the older beat
    // are left out.
    expect(answer.entries).toEqual([post, newerBeat])
    expect(answer.complete).toBe(true)
    expect(answer.request).toBe(JSON.parse(atob(request.split('.')[1] ?? '')).jti)
  })

  it('a refusal is "not answered"; a member is asked as in a public room', async () => {
    const { sealed, asked } = withRelay(() => ({ refused: 'not-served' }))
    const request = encodeUtf8(await signed({ type: 'request_backlog' }))
    const refused = JSON.parse(
      decodeUtf8(await sealed.request(RELAY, BACKLOG_PROTOCOL, request)) ?? '',
    )
    expect(refused).toEqual({ request: '', entries: [] })
    await sealed.request('12D3KooWAMember00000000000000000', BACKLOG_PROTOCOL, request)
    expect(asked[1]).toEqual({
      peer: '12D3KooWAMember00000000000000000',
      protocol: BACKLOG_PROTOCOL,
      data: request,
    })
  })

  it('scores the forwarder only for what it could have checked', async () => {
    const { sealed } = withRelay(() => ({ entries: [] }))
    let inner: ValidationResult = 'accept'
    let handler: ((message: IncomingMessage) => Promise<ValidationResult>) | undefined
    const base = (sealed as unknown as { inner: { subscribe: typeof sealed.subscribe } }).inner
    base.subscribe = (_topic, given) => {
      handler = given
    }
    sealed.subscribe(keys.topic, async () => inner)
    const receive = (data: Uint8Array, fromRelay: boolean) =>
      (handler as NonNullable<typeof handler>)({ topic: keys.topic, data, from: 'peer', fromRelay })
    const other = privateRoomKeys(inviteSecret(newInvite(CREATOR)), 'testspace')
    const good = await seal(keys, encodeUtf8('jwt'))
    // Not signed by the room key: a member checks it; a relay already did.
    expect(await receive(await seal(other, encodeUtf8('jwt')), false)).toBe('reject')
    // Signed, but does not open (a member made it with a broken key): a relay could not know.
    const broken = new Uint8Array(good)
    broken[30] = (broken[30] as number) ^ 1
    expect(await receive(broken, true)).toBe('ignore')
    expect(await receive(good, true)).toBe('accept')
    inner = 'reject'
    expect(await receive(good, true)).toBe('ignore')
    expect(await receive(good, false)).toBe('reject')
  })
})
