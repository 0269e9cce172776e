/**
 * `npx ghost-threads chat <space> <room> --relay ADDR` — a room from the terminal: prints
 * members and messages as they come, posts what is typed (see HELP). For people, bots and
 * ops; `--json` prints one JSON event per line for programs.
 */
import { createInterface } from 'node:readline'
import { parseArgs } from 'node:util'
import {
  createSeedIdentity,
  type LinkScope,
  linkHoldsFor,
  type Post,
  siteOf,
} from '../core/index.js'
import { inviteProblem } from '../core/invite.js'
import { addressProblem } from '../net/address-flag.js'
import { PUBLISH_QUEUE_MAX_AGE_MS, RELAY_CONNECT_WAIT_MS } from '../net/constants.js'
import { startGhostNode } from '../net/ghost-node.js'
import { HELP, parseChatLine } from './chat-commands.js'
import { loadOrCreateSeed } from './identity-file.js'
import { linkFor, loadOrCreateWallet } from './wallet-key.js'

const USAGE = `usage: ghost-threads chat <space> <room> --relay ADDR [--relay ADDR]… [--invite INVITE] [--identity FILE] [--wallet-key FILE] [--origin URL] [--webrtc] [--json]

  --relay ADDR      relay multiaddr, e.g. /ip4/127.0.0.1/tcp/4040/ws/p2p/12D3Koo… (printed by npm run relay)
  --invite INVITE   join the private room of this invite (the 86 characters after # in its
                    link); <room> is what you call it here. Others on this machine can read
                    a process's arguments: set GHOST_THREADS_INVITE instead to keep it out
  --identity FILE   keep your DID in FILE (a 32-byte seed, created if missing); default: a new DID each run
  --wallet-key FILE link your DID in the space to the Ethereum account whose private key is
                    in FILE (created if missing, mode 0600); others see its address
  --origin URL      the site this terminal speaks for (https://dapp.example): your link names
                    it, and only members linked on it show an address; without it your link
                    names localhost and every address shows with the site it was linked on
  --webrtc          also connect directly to room peers over WebRTC
  --json            print one JSON object per event, for programs

${HELP}`

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    relay: { type: 'string', multiple: true, default: [] },
    invite: { type: 'string' },
    identity: { type: 'string' },
    'wallet-key': { type: 'string' },
    origin: { type: 'string' },
    webrtc: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
})
const [command, spaceName, roomName] = positionals
if (values.help || command !== 'chat' || spaceName === undefined || roomName === undefined) {
  console.log(USAGE)
  process.exit(values.help ? 0 : 2)
}
if (values.relay.length === 0) {
  console.error('ghost-threads: give at least one --relay ADDR (start one with `npm run relay`)')
  process.exit(2)
}
for (const relay of values.relay) {
  const problem = addressProblem('relay', relay, true)
  if (problem === undefined) continue
  console.error(`ghost-threads: ${problem}`)
  process.exit(2)
}

/** A private room's invite, from --invite or the environment (kept out of process lists). */
const invite = values.invite ?? process.env.GHOST_THREADS_INVITE
const inviteTrouble = invite === undefined ? undefined : inviteProblem(invite)
if (inviteTrouble !== undefined) {
  console.error(`ghost-threads: --invite: ${inviteTrouble}`)
  process.exit(2)
}

const site = values.origin === undefined ? undefined : siteOf(values.origin)
if (values.origin !== undefined && site === undefined) {
  console.error(
    `ghost-threads: --origin ${values.origin} is not an http or https site; give it as https://dapp.example`,
  )
  process.exit(2)
}
/** The site this terminal speaks for (--origin), as links name it. */
const viewer = site === undefined ? undefined : { domain: site }
const origin = values.origin === undefined ? undefined : new URL(values.origin).origin

/**
 * A member's account as this terminal shows it: with --origin, only one linked on that
 * site (another site's link is that site's, as a page there would see it); without, any,
 * with where it was linked.
 */
function account(address?: string, linkedOn?: LinkScope) {
  if (address === undefined || linkedOn === undefined) return undefined
  if (viewer !== undefined && !linkHoldsFor(linkedOn, viewer)) return undefined
  return {
    fields: { address, linkedOn },
    text: viewer === undefined ? `${address} on ${linkedOn.domain}` : address,
  }
}

type Event = Record<string, unknown> & { event: string }
const print = (event: Event, human: string): void => {
  console.log(values.json ? JSON.stringify(event) : human)
}
const time = (seconds: number): string => new Date(seconds * 1000).toLocaleTimeString()
const show = (message: unknown): string =>
  typeof message === 'string' ? message : JSON.stringify(message)
const printPost = (post: Post, event = 'message'): void => {
  const linked = account(post.address, post.linkedOn)
  print(
    {
      event,
      author: post.author,
      message: post.message,
      timestamp: post.timestamp,
      postId: post.postId,
      ...(post.to === undefined ? {} : { to: post.to }),
      ...linked?.fields,
    },
    `[${time(post.timestamp)}] ${post.to === undefined ? '' : '(dm) '}${linked?.text ?? post.author}: ${show(post.message)}`,
  )
}

let node: Awaited<ReturnType<typeof startGhostNode>>
let thread: Awaited<ReturnType<Awaited<ReturnType<typeof node.ghost.openSpace>>['joinThread']>>
try {
  node = await startGhostNode({
    relays: values.relay,
    webrtc: values.webrtc,
    identity: createSeedIdentity(await loadOrCreateSeed(values.identity)),
  })
  const space = await node.ghost.openSpace(spaceName)
  const walletKey = values['wallet-key']
  if (walletKey !== undefined) {
    const wallet = await loadOrCreateWallet(walletKey)
    await space.linkWallet(await linkFor(wallet, space.did, spaceName, origin))
  }
  thread = await space.joinThread(roomName, { ghost: true, ...(invite ? { invite } : {}) })
  const own = space.walletAccount
  const where = invite === undefined ? thread.topic : `the private room ${roomName}`
  print(
    { event: 'ready', did: space.did, topic: thread.topic, private: invite !== undefined, ...own },
    `joined ${where} as ${space.did}${own ? ` (${own.address} on ${own.linkedOn.domain})` : ''} — /help for commands`,
  )
} catch (err) {
  console.error(`ghost-threads: ${(err as Error).name}: ${(err as Error).message}`)
  process.exit(1)
}

// Say when no relay has answered for RELAY_CONNECT_WAIT_MS: without one only members we
// reach directly hear us, and "joined" alone let a user wait for a room that could not
// reach them. The node keeps redialling meanwhile (and falls back on the relays ours told
// us about); a relay that answers later is announced too. Posts made while nobody hears
// us wait in the publish queue: we say so, and whether they went out or were dropped.
let downSinceMs: number | undefined = Date.now()
let warned = false
let queuedShown = false
let droppedBefore = node.transport.queue.dropped
setInterval(() => {
  reportQueued()
  if (node.relays.connected().length > 0) {
    downSinceMs = undefined
    if (warned) print({ event: 'relay-connected' }, '* connected to a relay: the room can hear you')
    warned = false
    return
  }
  downSinceMs ??= Date.now()
  if (warned || Date.now() - downSinceMs < RELAY_CONNECT_WAIT_MS) return
  warned = true
  const direct = node.transport.subscribers(thread.topic).length
  const which = `${values.relay.length > 1 ? 'any of the relays' : 'the relay'} ${values.relay.join(', ')}`
  print(
    { event: 'relay-unreachable', relays: values.relay, directPeers: direct },
    direct > 0
      ? `* cannot reach ${which}: only the ${direct} member${direct === 1 ? '' : 's'} connected to you directly hear you; still trying`
      : `* cannot reach ${which}: nobody hears you until one answers; still trying (is \`npm run relay\` running there, and is the address right?)`,
  )
}, 1_000).unref()

/** Says when posts went out of the publish queue, or were dropped from it. */
function reportQueued(): void {
  const { queue } = node.transport
  if (queuedShown && !queue.has(thread.topic)) {
    const dropped = queue.dropped - droppedBefore
    queuedShown = false
    print(
      { event: dropped > 0 ? 'queued-dropped' : 'queued-sent', dropped },
      dropped > 0
        ? `* ${dropped} queued post${dropped === 1 ? ' was' : 's were'} dropped: nobody could be reached within ${PUBLISH_QUEUE_MAX_AGE_MS / 1000} s`
        : '* queued posts went out',
    )
  }
}

/** After a post: if nobody could take it, it waits in the queue, and the user is told. */
function afterPost(): void {
  if (queuedShown || !node.transport.queue.has(thread.topic)) return
  queuedShown = true
  droppedBefore = node.transport.queue.dropped
  print(
    { event: 'queued' },
    `* queued: nobody in the room can be reached yet; it goes out when a relay or member answers (within ${PUBLISH_QUEUE_MAX_AGE_MS / 1000} s)`,
  )
}

thread.on('user-joined', (did, address, linkedOn) => {
  const linked = account(address, linkedOn)
  print(
    { event: 'user-joined', did, ...linked?.fields },
    `* ${did} (${linked?.text ?? 'unlinked'}) joined`,
  )
})
thread.on('user-left', (did) => print({ event: 'user-left', did }, `* ${did} left`))
thread.on('message', (post) => printPost(post))
thread.on('backlog-received', ({ message }) => {
  for (const post of message) printPost(post, 'backlog')
})

let quitting = false
async function quit(code = 0): Promise<never> {
  if (!quitting) {
    quitting = true
    await node.stop().catch(() => undefined)
  }
  process.exit(code)
}

const input = createInterface({ input: process.stdin, terminal: false })
input.on('line', (line) => {
  const command = parseChatLine(line, { typed: process.stdin.isTTY === true })
  const run = async (): Promise<void> => {
    switch (command.kind) {
      case 'post':
        await thread.post(command.text)
        afterPost()
        break
      case 'dm':
        await thread.post(command.text, command.to)
        print({ event: 'dm-sent', to: command.to }, `(dm to ${command.to} delivered)`)
        break
      case 'members': {
        const detailed = (await thread.listMembersWithAddresses()).map(
          ({ did, address, linkedOn }) => ({ did, linked: account(address, linkedOn) }),
        )
        print(
          {
            event: 'members',
            members: detailed.map((m) => m.did),
            linked: detailed.map(({ did, linked }) => ({ did, ...linked?.fields })),
          },
          detailed.map((m) => `  ${m.did} ${m.linked?.text ?? 'unlinked'}`).join('\n'),
        )
        break
      }
      case 'help':
        print({ event: 'help' }, HELP)
        break
      case 'quit':
        await quit()
        break
      case 'error':
        print({ event: 'error', error: 'UsageError', message: command.message }, command.message)
        break
      case 'none':
        break
    }
  }
  run().catch((err: Error) =>
    print({ event: 'error', error: err.name, message: err.message }, `${err.name}: ${err.message}`),
  )
})
// End of input (a closed pipe, Ctrl-D) and signals leave the room properly.
input.on('close', () => void quit())
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void quit())
