/**
 * Every decoder that reads what someone else wrote, fed generated inputs (fast-check):
 * the receipt rules (every JWT from the network, on each channel), the stream protocols a
 * member answers (backlog, direct) through the in-memory hub, the answers a member reads
 * (backlog, direct, relay list), the page gate with its dapp contract, the popup's manage
 * requests, stored settings and permissions, and the terminal peer's command line. None
 * may throw or hang; each request gets one answer; nothing wrong is accepted.
 *
 * FUZZ_RUNS scales every property (default 1: ≥ 100,000 inputs in all, the bar issue 12
 * set). Failures print fast-check's seed and shrunk counterexample.
 */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals'
import fc from 'fast-check'
import { parsePermissions } from '../../src/background/permissions.js'
import { parseChatLine } from '../../src/cli/chat-commands.js'
import { ContentGate } from '../../src/content/gate.js'
import { fetchBacklog } from '../../src/core/backlog-request.js'
import { BACKLOG_PROTOCOL, DIRECT_PROTOCOL, MAX_JSON_DEPTH } from '../../src/core/constants.js'
import { sendDirect } from '../../src/core/direct-exchange.js'
import { InvalidArgumentError } from '../../src/core/errors.js'
import { MemoryHub } from '../../src/core/memory-transport.js'
import { type Channel, ReceiptRules, type Verdict } from '../../src/core/receipt-rules.js'
import { Claims } from '../../src/core/schema.js'
import { toldAddresses } from '../../src/net/relay-directory.js'
import { DAPP_METHOD_NAMES } from '../../src/shared/dapp-methods.js'
import {
  BlockRequest,
  PhraseImport,
  PopupPost,
  parseManage,
  RoomViewRequest,
  TabRef,
} from '../../src/shared/manage-requests.js'
import { TO_EXTENSION, TO_PAGE, type ToPage } from '../../src/shared/page-wire.js'
import { readSettings } from '../../src/shared/settings.js'
import { claims, edKey, forge, signature, TEST_PEER } from '../helpers/jwt-forge.js'
import { closeAll, joinPeer, type TestPeer } from '../helpers/room.js'

const SCALE = Number(process.env.FUZZ_RUNS ?? '1')
// Tens of thousands of inputs per property: minutes on a busy 2-core machine, not seconds.
jest.setTimeout(300_000 * Math.max(1, SCALE))
const runs = (n: number) => Math.max(1, Math.round(n * SCALE))
/** Inputs generated across this file; checked against the 100,000 bar at the end. */
let generated = 0
async function check<T>(
  arbitrary: fc.Arbitrary<T>,
  n: number,
  property: (value: T) => Promise<void> | void,
) {
  const numRuns = runs(n)
  await fc.assert(
    fc.asyncProperty(arbitrary, async (value) => {
      await property(value)
    }),
    { numRuns },
  )
  generated += numRuns
}

const utf8 = new TextEncoder()
const ROOM = '3box.chat.v2.testspace.lobby'
const CHANNELS: Channel[] = ['pubsub', 'direct', 'backlog-request', 'backlog-entry']
const MESSAGE_TYPES = ['join', 'presence', 'leave', 'chat', 'request_backlog']
const alice = edKey()
const nowS = () => Math.floor(Date.now() / 1000)

/** Anything a structured clone can carry: what a page can post to the content script. */
const cloneable = fc.anything({
  maxDepth: 6,
  withBigInt: true,
  withBoxedValues: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withTypedArray: true,
  withNullPrototype: true,
  withSparseArray: true,
})
/** Nested around and far past the allowed depth, built without recursion. */
const depth = fc.integer({ min: MAX_JSON_DEPTH - 2, max: 3_000 })
const deepJson = depth.map((levels) => {
  let value: unknown = 'core'
  for (let i = 0; i < levels; i++) value = i % 2 === 0 ? [value] : { a: value }
  return value
})
/** The same as JSON text: JSON.stringify itself runs out of stack on the deepest. */
const deepJsonText = depth.map((levels) => `${'[{"a":'.repeat(levels)}0${'}]'.repeat(levels)}`)
const json = fc.oneof(fc.jsonValue({ maxDepth: 5 }), deepJson)
const jsonText = fc.oneof(
  fc.jsonValue({ maxDepth: 5 }).map((value) => JSON.stringify(value)),
  deepJsonText,
)

/** Claims that are nearly right: each field valid, odd or missing. */
const claimLike = fc.record(
  {
    type: fc.oneof(fc.constantFrom(...MESSAGE_TYPES), fc.jsonValue()),
    iss: fc.oneof(fc.constant(alice.did), fc.string(), fc.constant('did:key:z6Mk')),
    room: fc.oneof(fc.constant(ROOM), fc.string(), fc.jsonValue()),
    iat: fc.oneof(
      fc.integer({ min: -200, max: 200 }).map((d) => nowS() + d),
      fc.double(),
      fc.string(),
    ),
    jti: fc.oneof(fc.string({ minLength: 8, maxLength: 40 }), fc.jsonValue()),
    message: fc.jsonValue({ maxDepth: 5 }),
    to: fc.oneof(fc.constant(alice.did), fc.string()),
    peer: fc.oneof(fc.constant(TEST_PEER), fc.string()),
    relays: fc.oneof(fc.array(fc.string(), { maxLength: 5 }), fc.jsonValue()),
    ttl: fc.oneof(fc.integer({ min: -5, max: 1_000 }), fc.jsonValue()),
    since: fc.oneof(fc.integer(), fc.jsonValue()),
    members: fc.oneof(fc.boolean(), fc.jsonValue()),
  },
  { requiredKeys: [] },
)
const header = fc.oneof(
  fc
    .record({
      typ: fc.constantFrom('JWT', 'jwt', ''),
      alg: fc.constantFrom('EdDSA', 'ES256K', 'none', 'HS256'),
    })
    .map((value) => JSON.stringify(value)),
  jsonText,
)
/** Valid claims of a type, with at most one field changed to something generated. */
const nearlyValid = fc
  .tuple(
    fc.constantFrom(...MESSAGE_TYPES),
    fc.option(
      fc.tuple(
        fc.constantFrom(
          'type',
          'iss',
          'room',
          'iat',
          'jti',
          'message',
          'peer',
          'relays',
          'ttl',
          'to',
          'extra',
        ),
        fc.jsonValue({ maxDepth: 3 }),
      ),
    ),
  )
  .map(([type, change]) => {
    const valid = claims(alice, type, ROOM, type === 'chat' ? { message: 'hi' } : {})
    return JSON.stringify(change === null ? valid : { ...valid, [change[0]]: change[1] })
  })
/** Claims as text: nearly right, or any JSON, or nested far too deep (in `message` too). */
const payload = fc.oneof(
  nearlyValid,
  claimLike.map((value) => JSON.stringify(value)),
  jsonText,
  deepJsonText.map(
    (text) => `{"type":"chat","iss":"${alice.did}","room":"${ROOM}","message":${text}}`,
  ),
)
const base64url = (text: string) => Buffer.from(text).toString('base64url')
/** A JWT in shape: some signed right (by alice, so verification runs), most not. */
const jwtShaped = fc
  .tuple(header, payload, fc.boolean(), fc.uint8Array({ maxLength: 80 }))
  .map(([h, p, signRight, randomSignature]) => {
    const input = `${base64url(h)}.${base64url(p)}`
    const sig = signRight
      ? signature(alice, input)
      : Buffer.from(randomSignature).toString('base64url')
    return `${input}.${sig}`
  })
/** A valid JWT with one character changed, dropped or added. */
const edited = fc
  .tuple(
    fc.constantFrom(...MESSAGE_TYPES.slice(0, 4)),
    fc.nat(),
    fc.constantFrom('set', 'drop', 'add'),
    fc.string({ minLength: 1, maxLength: 1, unit: 'binary' }),
  )
  .map(([type, at, how, char]) => {
    const original = forge(alice, claims(alice, type, ROOM, { message: 'edited?' }))
    const i = at % original.length
    const changed =
      how === 'drop'
        ? original.slice(0, i) + original.slice(i + 1)
        : original.slice(0, i) + char + original.slice(how === 'set' ? i + 1 : i)
    return { original, changed }
  })
const networkInput = fc.oneof(
  fc.uint8Array({ maxLength: 2_000 }),
  fc.string({ maxLength: 2_000 }).map((s) => utf8.encode(s)),
  fc.string({ unit: 'binary', maxLength: 300 }).map((s) => utf8.encode(s)),
  jwtShaped.map((s) => utf8.encode(s)),
)

function rulesForFuzz(): ReceiptRules {
  // Limits out of the way, so inputs reach the signature check.
  const open = { burst: 1e9, perSecond: 1e9 }
  return new ReceiptRules({ didRateLimit: open, peerRateLimit: open })
}

function expectVerdict(verdict: Verdict, channel: Channel): void {
  expect(['accept', 'reject', 'ignore']).toContain(verdict.action)
  if (verdict.action !== 'accept') return
  // Whatever is accepted is a well-formed message for this room and channel.
  expect(Claims.safeParse(verdict.message.claims).success).toBe(true)
  expect(verdict.message.claims.room).toBe(ROOM)
  expect(verdict.message.claims.iss).toBe(alice.did)
  if (channel === 'pubsub') expect('to' in verdict.message.claims).toBe(false)
}

describe('the receipt rules, fed generated JWTs', () => {
  const rules = rulesForFuzz()
  let accepted = 0

  it('answer every input on every channel with a verdict, never a throw', async () => {
    await check(
      fc.tuple(networkInput, fc.constantFrom(...CHANNELS)),
      40_000,
      async ([input, channel]) => {
        const verdict = await rules.check(input, {
          topic: ROOM,
          channel,
          from: TEST_PEER,
          audience: alice.did,
        })
        expectVerdict(verdict, channel)
        if (verdict.action === 'accept') accepted++
      },
    )
    // The generator reaches the far end too: some inputs were signed right and accepted.
    expect(accepted).toBeGreaterThan(0)
  })

  it('never accept an edited JWT whose content differs from what was signed', async () => {
    await check(edited, 5_000, async ({ original, changed }) => {
      const verdict = await rulesForFuzz().check(changed, {
        topic: ROOM,
        channel: 'pubsub',
        from: TEST_PEER,
      })
      if (verdict.action !== 'accept') return
      // Base64url has spare bits: an edit there decodes to the very bytes that were signed.
      const signed = await rulesForFuzz().check(original, {
        topic: ROOM,
        channel: 'pubsub',
        from: TEST_PEER,
      })
      expect(signed.action).toBe('accept')
      if (signed.action === 'accept') expect(verdict.message.claims).toEqual(signed.message.claims)
    })
  })
})

describe('the stream protocols a member answers, fed generated requests', () => {
  const hub = new MemoryHub()
  let member: TestPeer
  const asker = hub.createTransport()

  beforeAll(async () => {
    member = await joinPeer(hub, { room: 'lobby' })
    await member.thread.post('something to hand out')
  })
  afterAll(async () => {
    await closeAll([member])
  })

  it.each([BACKLOG_PROTOCOL, DIRECT_PROTOCOL])(
    '%s: one answer to every request',
    async (protocol) => {
      await check(networkInput, 10_000, async (input) => {
        const answer = await asker.request(member.transport.peerId, protocol, input)
        expect(answer).toBeInstanceOf(Uint8Array)
        JSON.parse(new TextDecoder().decode(answer))
      })
    },
  )
})

describe('the answers a member reads, generated', () => {
  const hub = new MemoryHub()
  const asker = hub.createTransport()
  const answerer = hub.createTransport()
  let answer: Uint8Array = new Uint8Array()
  answerer.handle(BACKLOG_PROTOCOL, async () => answer)
  answerer.handle(DIRECT_PROTOCOL, async () => answer)
  const rules = rulesForFuzz()
  const entry = fc.oneof(jwtShaped, fc.string(), fc.jsonValue({ maxDepth: 2 }))
  const backlogAnswer = fc.oneof(
    networkInput,
    fc
      .tuple(
        fc.oneof(fc.constant('req-1'), fc.string()),
        fc.oneof(
          fc.array(entry, { maxLength: 20 }).map((entries) => JSON.stringify(entries)),
          jsonText,
        ),
        fc.jsonValue(),
      )
      .map(([request, entries, complete]) =>
        utf8.encode(
          `{"request":${JSON.stringify(request)},"entries":${entries},"complete":${JSON.stringify(complete) ?? null}}`,
        ),
      ),
  )

  it('backlog answers: the entries that pass the rules, or none, never a throw', async () => {
    await check(backlogAnswer, 5_000, async (bytes) => {
      answer = bytes
      const got = await fetchBacklog({
        peers: [{ peer: answerer.peerId, relays: [] }],
        request: 'unused',
        requestId: 'req-1',
        topic: ROOM,
        transport: asker,
        rules,
        timeoutMs: 1_000,
      })
      for (const message of got.accepted) expect(message.claims.room).toBe(ROOM)
    })
  })

  it('direct-message answers: an outcome string, never a throw', async () => {
    const direct = fc.oneof(
      networkInput,
      fc
        .record({ ok: fc.jsonValue(), error: fc.jsonValue() }, { requiredKeys: [] })
        .map((v) => utf8.encode(JSON.stringify(v))),
    )
    await check(direct, 5_000, async (bytes) => {
      answer = bytes
      const [outcome] = await sendDirect({
        peers: [{ peer: answerer.peerId, relays: [] }],
        jwt: 'x',
        transport: asker,
        timeoutMs: 1_000,
      })
      expect(typeof outcome).toBe('string')
    })
  })

  it("a relay's list of relays: WebSockets addresses with a peer id, nothing else", async () => {
    const list = fc.oneof(
      networkInput,
      fc
        .array(
          fc.oneof(
            fc.string(),
            fc.constantFrom(
              '/ip4/10.0.0.1/tcp/4040/ws/p2p/12D3KooWQYhTNQdmr3ArTeUHRYzFg94BKyTkoWBDWez9kSCVe2Xo',
              '/ip4/10.0.0.1/tcp/4040/ws',
              '/dns4/relay.example/tcp/443/wss/p2p/12D3KooWQYhTNQdmr3ArTeUHRYzFg94BKyTkoWBDWez9kSCVe2Xo',
              '/ip4/1.2.3.4/udp/1/quic',
            ),
            fc.jsonValue(),
          ),
          { maxLength: 10 },
        )
        .map((v) => utf8.encode(JSON.stringify(v))),
    )
    await check(list, 10_000, (bytes) => {
      for (const address of toldAddresses(bytes))
        expect(address.toString()).toMatch(/\/wss?\/p2p\/\w+$/)
    })
  })
})

describe('the page gate, fed whatever a page can post', () => {
  const ORIGIN = 'https://dapp.example'
  const page = {}
  const posted: ToPage[] = []
  const gate = new ContentGate({
    window: page,
    origin: ORIGIN,
    postToPage: (message) => posted.push(message),
    callRouter: async () => ({ ok: true, result: null }),
  })
  const id = fc.oneof(fc.nat(), fc.integer({ min: -5, max: 5 }), fc.double(), cloneable)
  const method = fc.oneof(fc.constantFrom(...DAPP_METHOD_NAMES), fc.string(), cloneable)
  const params = fc.oneof(
    fc.record(
      {
        space: fc.string(),
        room: fc.string(),
        thread: fc.string(),
        message: json,
        to: fc.string(),
        limit: fc.jsonValue(),
        options: cloneable,
      },
      { requiredKeys: [] },
    ),
    cloneable,
    deepJson,
    fc.string({ minLength: 30_000, maxLength: 40_000 }),
  )
  const message = fc.oneof(
    fc.record(
      { tag: fc.constantFrom(TO_EXTENSION, TO_PAGE, 'other'), id, method, params },
      { requiredKeys: [] },
    ),
    cloneable,
  )

  it('answers each well-tagged request exactly once, under its id, and nothing else', async () => {
    await check(message, 20_000, async (data) => {
      posted.length = 0
      await gate.onWindowMessage({ source: page, origin: ORIGIN, data })
      const request = data as { tag?: unknown; id?: unknown } | null
      const answerable =
        typeof request === 'object' &&
        request !== null &&
        request.tag === TO_EXTENSION &&
        typeof request.id === 'number' &&
        Number.isSafeInteger(request.id) &&
        request.id >= 0
      expect(posted).toHaveLength(answerable ? 1 : 0)
      if (answerable) expect(posted[0]).toMatchObject({ tag: TO_PAGE, id: request?.id })
    })
  })
})

describe('the other decoders', () => {
  it("the popup's manage requests: the value, or InvalidArgumentError", async () => {
    const schemas = [RoomViewRequest, PopupPost, TabRef, BlockRequest, PhraseImport]
    await check(
      fc.tuple(
        fc.constantFrom(...schemas),
        fc.oneof(
          cloneable,
          fc.record(
            {
              space: fc.string(),
              room: fc.string(),
              message: json,
              tabId: fc.jsonValue(),
              did: fc.string(),
              blocked: fc.jsonValue(),
              phrase: fc.string(),
            },
            { requiredKeys: [] },
          ),
        ),
      ),
      5_000,
      ([schema, data]) => {
        try {
          parseManage(schema as never, data, 'request')
        } catch (err) {
          expect(err).toBeInstanceOf(InvalidArgumentError)
        }
      },
    )
  })

  it('a popup post nested 3,000 deep is an InvalidArgumentError (the fuzz found a RangeError)', () => {
    let message: unknown = 'core'
    for (let i = 0; i < 3_000; i++) message = [message]
    expect(() => parseManage(PopupPost, { space: 'chat', room: 'lobby', message }, 'post')).toThrow(
      InvalidArgumentError,
    )
  })

  it('stored settings and permissions: defaults for anything unreadable', async () => {
    await check(cloneable, 5_000, (stored) => {
      expect(Array.isArray(readSettings(stored).relays)).toBe(true)
      expect(typeof parsePermissions(stored)).toBe('object')
    })
  })

  it("the terminal peer's command line: one command for every line", async () => {
    await check(fc.string({ unit: 'binary', maxLength: 500 }), 5_000, (line) => {
      expect(['post', 'dm', 'members', 'help', 'quit', 'none', 'error']).toContain(
        parseChatLine(line).kind,
      )
    })
  })

  it('together these generated at least 100,000 inputs', () => {
    if (SCALE >= 1) expect(generated).toBeGreaterThanOrEqual(100_000)
  })
})
