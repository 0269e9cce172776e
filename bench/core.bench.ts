/**
 * `npm run bench:core`: the cost of the protocol on one core (run under `taskset -c 0`).
 * JWT signing, verification one at a time and in batches, and the messages per second
 * one engine's receive path takes (receipt rules, post id, backlog, events).
 */
import { cpus } from 'node:os'
import {
  createSeedIdentity,
  GhostThreads,
  generateSeed,
  MemoryHub,
  ReceiptRules,
  type SpaceSigner,
  signClaims,
} from '../src/core/index.js'
import { atLeast, perSecond, printTable, type Row } from './table.js'

const ROOM = '3box.chat.v2.bench.lobby'
const JWTS = Number(process.env.BENCH_JWTS ?? 20_000)
const UNLIMITED = { burst: 1e9, perSecond: 1e9 }

async function signers(count: number): Promise<SpaceSigner[]> {
  return Promise.all(
    Array.from({ length: count }, () => createSeedIdentity(generateSeed()).signerForSpace('bench')),
  )
}

async function signMany(
  authors: SpaceSigner[],
  count: number,
): Promise<{ jwts: string[]; ms: number }> {
  const jwts: string[] = []
  const started = performance.now()
  for (let i = 0; i < count; i++) {
    const author = authors[i % authors.length] as SpaceSigner
    const { jwt } = await signClaims(
      author,
      { type: 'chat', room: ROOM, message: `message number ${i}` },
      Date.now(),
    )
    jwts.push(jwt)
  }
  return { jwts, ms: performance.now() - started }
}

async function verifyOneByOne(jwts: string[]): Promise<number> {
  const rules = new ReceiptRules({ didRateLimit: UNLIMITED, peerRateLimit: UNLIMITED })
  const started = performance.now()
  for (const jwt of jwts) {
    const verdict = await rules.check(jwt, { topic: ROOM, channel: 'pubsub', from: 'bench' })
    if (verdict.action !== 'accept') throw new Error(`refused: ${verdict.reason}`)
  }
  return performance.now() - started
}

async function verifyBatched(jwts: string[], batch: number): Promise<number> {
  const rules = new ReceiptRules({ didRateLimit: UNLIMITED, peerRateLimit: UNLIMITED })
  const started = performance.now()
  for (let i = 0; i < jwts.length; i += batch) {
    const verdicts = await Promise.all(
      jwts
        .slice(i, i + batch)
        .map((jwt) => rules.check(jwt, { topic: ROOM, channel: 'pubsub', from: 'bench' })),
    )
    if (verdicts.some((v) => v.action !== 'accept')) throw new Error('a JWT was refused')
  }
  return performance.now() - started
}

/**
 * Messages injected into one engine as a relay would forward them; timed until the last
 * event. They are signed after the join: a post dated before the join second is backlog,
 * not a live message (issue 21), and the bench waited for message events that never came.
 */
async function receivePath(sign: () => Promise<string[]>): Promise<number> {
  const hub = new MemoryHub()
  const ghost = new GhostThreads({
    transport: hub.createTransport(),
    identity: createSeedIdentity(generateSeed()),
    rules: new ReceiptRules({ didRateLimit: UNLIMITED, peerRateLimit: UNLIMITED }),
  })
  const space = await ghost.openSpace('bench')
  const thread = await space.joinThread('lobby', { ghost: true })
  // Into the next second, so that every post is dated after the join's.
  await new Promise((resolve) => setTimeout(resolve, 1_000 - (Date.now() % 1_000) + 10))
  const jwts = await sign()
  let received = 0
  const done = new Promise<void>((resolve) => {
    thread.on('message', () => {
      if (++received === jwts.length) resolve()
    })
  })
  const encoder = new TextEncoder()
  const started = performance.now()
  for (const jwt of jwts) void hub.inject(ROOM, encoder.encode(jwt))
  await done
  const ms = performance.now() - started
  await ghost.stop()
  return ms
}

async function main(): Promise<void> {
  console.log(
    `Node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}, ${JWTS.toLocaleString('en')} JWTs per measure`,
  )
  const authors = await signers(200)
  await signMany(authors, 500) // warm-up
  const signed = await signMany(authors, JWTS)
  const fresh = async () => (await signMany(authors, JWTS)).jwts
  const oneByOne = await verifyOneByOne(await fresh())
  const batched = await verifyBatched(await fresh(), 256)
  const receive = await receivePath(fresh)
  const rows: Row[] = [
    {
      measure: 'JWT sign (EdDSA, did-jwt format)',
      ...atLeast(perSecond(JWTS, signed.ms), 0, '/s'),
    },
    {
      measure: 'JWT verify, one at a time (receipt rules)',
      ...atLeast(perSecond(JWTS, oneByOne), 5_000, '/s'),
    },
    { measure: 'JWT verify, batches of 256', ...atLeast(perSecond(JWTS, batched), 5_000, '/s') },
    { measure: 'receive path of one engine', ...atLeast(perSecond(JWTS, receive), 4_000, 'msg/s') },
  ]
  printTable('Ghost Threads core, one core', rows)
  if (rows.some((row) => row.verdict === 'NO')) process.exitCode = 1
}

await main()
