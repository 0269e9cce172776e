/**
 * `npm run relay` — starts a relay and prints where peers reach it. Flags:
 *   --host 127.0.0.1   interface to listen on (0.0.0.0 to serve others)
 *   --port 4040        WebSockets port
 *   --http-port 4041   /healthz and /metrics ("off" turns them off)
 *   --http-host 127.0.0.1  their interface: loopback unless you say otherwise, whatever --host
 *   --key-file PATH    the relay's libp2p key (created on first start; keeps the address stable)
 *   --peer ADDR        another relay to mesh with (repeatable)
 *   --announce ADDR    public address to advertise, e.g. /dns4/relay.example.com/tcp/443/wss
 *   --max-reservations-per-ip N   circuit reservations from one IP (default 64)
 *   --max-rooms-per-connection N  rooms one client may have the relay serve (default 256)
 *   --history-warmup-seconds N    after starting, how long rooms it begins to carry are not
 *                                 vouched for as complete to newcomers (default 30)
 *   --crowd-members N  a public room becomes a crowd here when this relay holds N of its members (default
 *                      200): presences go out in digests, answers list the newest few; it
 *                      ends below 3/4 of N
 *   --crowd-listed N   members a crowd room's answers list, the newest first (default 100)
 *   --health-file PATH  where to write the /healthz URL once serving ("off" when the HTTP
 *                       side is off), removed on exit: a container's healthcheck reads it,
 *                       so it follows --http-port and --http-host (docker/healthcheck.mjs)
 */

import { rmSync, writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import {
  CROWD_LISTED_MEMBERS,
  CROWD_ROOM_END_MEMBERS,
  CROWD_ROOM_MEMBERS,
} from '../core/constants.js'
import { addressProblem } from '../net/address-flag.js'
import {
  MAX_RESERVATIONS_PER_IP,
  MAX_ROOMS_PER_CONNECTION,
  RELAY_HISTORY_WARMUP_MS,
} from '../net/constants.js'
import { keepBufferSlabsSmall } from './buffer-pool.js'
import { DEFAULT_HTTP_PORT, DEFAULT_RELAY_PORT } from './constants.js'
import { RelayConfigError } from './key-lock.js'
import { startRelay } from './relay-server.js'

const USAGE =
  'usage: npm run relay -- [--host H] [--port P] [--http-port P|off] [--http-host H] [--key-file F] [--peer ADDR]… [--announce ADDR]… [--max-reservations-per-ip N] [--max-rooms-per-connection N] [--history-warmup-seconds N] [--crowd-members N] [--crowd-listed N] [--health-file F]'

const FLAGS = {
  host: { type: 'string', default: '127.0.0.1' },
  port: { type: 'string', default: String(DEFAULT_RELAY_PORT) },
  'http-port': { type: 'string', default: String(DEFAULT_HTTP_PORT) },
  'http-host': { type: 'string', default: '127.0.0.1' },
  'key-file': { type: 'string', default: '.ghost-threads-relay.key' },
  peer: { type: 'string', multiple: true, default: [] as string[] },
  announce: { type: 'string', multiple: true, default: [] as string[] },
  'max-reservations-per-ip': { type: 'string', default: String(MAX_RESERVATIONS_PER_IP) },
  'max-rooms-per-connection': { type: 'string', default: String(MAX_ROOMS_PER_CONNECTION) },
  'history-warmup-seconds': { type: 'string', default: String(RELAY_HISTORY_WARMUP_MS / 1000) },
  'crowd-members': { type: 'string', default: String(CROWD_ROOM_MEMBERS) },
  'crowd-listed': { type: 'string', default: String(CROWD_LISTED_MEMBERS) },
  'health-file': { type: 'string' },
  help: { type: 'boolean', default: false },
} as const

/** The flags; an unknown or malformed one is a plain message and exit 2, not a stack trace. */
function parseFlags() {
  try {
    return parseArgs({ options: FLAGS }).values
  } catch (err) {
    console.error(`relay not started: ${(err as Error).message}\n${USAGE}`)
    process.exit(2)
  }
}

const values = parseFlags()
if (values.help) {
  console.log(USAGE)
  process.exit(0)
}

for (const peer of values.peer) addressFlag('peer', peer, true)
for (const announce of values.announce) addressFlag('announce', announce, false)

keepBufferSlabsSmall()
const relay = await startRelay({
  host: values.host,
  port: portFlag('port', values.port),
  httpPort: values['http-port'] === 'off' ? -1 : portFlag('http-port', values['http-port']),
  httpHost: values['http-host'],
  keyFile: values['key-file'],
  peers: values.peer,
  ...(values.announce.length > 0 ? { announce: values.announce } : {}),
  maxReservationsPerIp: countFlag('max-reservations-per-ip', values['max-reservations-per-ip']),
  maxRoomsPerConnection: countFlag('max-rooms-per-connection', values['max-rooms-per-connection']),
  historyWarmupMs: secondsFlag('history-warmup-seconds', values['history-warmup-seconds']) * 1000,
  crowd: crowdFlags(),
}).catch((err: unknown) => {
  console.error(`relay not started: ${startFailure(err)}`)
  process.exit(2)
})
for (const address of relay.addresses) console.log(`relay listening on ${address}`)
if (relay.httpUrl !== undefined)
  console.log(`health and metrics on ${relay.httpUrl}/healthz ${relay.httpUrl}/metrics`)
const healthFile = values['health-file']
if (healthFile !== undefined) {
  writeFileSync(healthFile, relay.httpUrl === undefined ? 'off\n' : `${relay.httpUrl}/healthz\n`)
  process.on('exit', () => rmSync(healthFile, { force: true }))
}

let stopping = false
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return
    stopping = true
    console.log(`${signal}: closing connections`)
    relay.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error('relay did not stop cleanly:', err)
        process.exit(1)
      },
    )
  })
}

function portFlag(name: string, value: string): number {
  const port = Number(value)
  if (!Number.isInteger(port) || port < -1 || port > 65_535) {
    console.error(
      `--${name} must be a port number (0 picks a free one${name === 'http-port' ? ', "off" turns it off' : ''}), not "${value}"`,
    )
    process.exit(2)
  }
  return port
}

function countFlag(name: string, value: string): number {
  const count = Number(value)
  if (!Number.isInteger(count) || count < 1) {
    console.error(`--${name} must be a whole number of at least 1, not "${value}"`)
    process.exit(2)
  }
  return count
}

/** --crowd-members and --crowd-listed; a crowd ends below 3/4 of its size, as by default. */
function crowdFlags(): { members: number; endBelow: number; listed: number } {
  const members = countFlag('crowd-members', values['crowd-members'])
  return {
    members,
    endBelow: Math.ceil((members * CROWD_ROOM_END_MEMBERS) / CROWD_ROOM_MEMBERS),
    listed: countFlag('crowd-listed', values['crowd-listed']),
  }
}

function secondsFlag(name: string, value: string): number {
  const seconds = Number(value)
  if (value.trim() === '' || !Number.isFinite(seconds) || seconds < 0) {
    console.error(`--${name} must be a number of seconds (0 or more), not "${value}"`)
    process.exit(2)
  }
  return seconds
}

/** A --peer or --announce address, or one line saying what one looks like and exit 2. */
function addressFlag(name: string, value: string, needsPeerId: boolean): void {
  const problem = addressProblem(name, value, needsPeerId)
  if (problem === undefined) return
  console.error(`relay not started: ${problem}`)
  process.exit(2)
}

/**
 * Why the relay could not start, in one line of our words: a port someone else holds,
 * another relay's key, or the first line of anything else (never a stack trace).
 */
function startFailure(err: unknown): string {
  if (err instanceof RelayConfigError) return err.message
  const text = err instanceof Error ? err.message : String(err)
  const taken = /EADDRINUSE[^\n]*?(\d{1,3}(?:\.\d{1,3}){3}|\[[^\]]+\]|[\w.-]+):(\d+)/.exec(text)
  if (taken !== undefined && taken !== null) {
    const [, host, port] = taken
    const which = port === values['http-port'] ? '--http-port' : '--port'
    return `${host}:${port} is already in use (another relay, or another program): stop it, or choose another with ${which}`
  }
  return text.split('\n')[0] ?? 'unknown error'
}
