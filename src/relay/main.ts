/**
 * `npm run relay` — starts a relay and prints where peers reach it. Flags:
 *   --host 127.0.0.1   interface to listen on (0.0.0.0 to serve others)
 *   --port 4040        WebSockets port
 *   --http-port 4041   /healthz and /metrics (-1 turns them off)
 *   --key-file PATH    the relay's libp2p key (created on first start; keeps the address stable)
 *   --peer ADDR        another relay to mesh with (repeatable)
 *   --announce ADDR    public address to advertise, e.g. /dns4/relay.example.com/tcp/443/wss
 */
import '../net/node-polyfills.js'
import { parseArgs } from 'node:util'
import { DEFAULT_HTTP_PORT, DEFAULT_RELAY_PORT, startRelay } from './relay-server.js'

const { values } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: String(DEFAULT_RELAY_PORT) },
    'http-port': { type: 'string', default: String(DEFAULT_HTTP_PORT) },
    'key-file': { type: 'string', default: '.ghost-threads-relay.key' },
    peer: { type: 'string', multiple: true, default: [] },
    announce: { type: 'string', multiple: true, default: [] },
    help: { type: 'boolean', default: false },
  },
})

if (values.help) {
  console.log(
    'usage: npm run relay -- [--host H] [--port P] [--http-port P] [--key-file F] [--peer ADDR]… [--announce ADDR]…',
  )
  process.exit(0)
}

const relay = await startRelay({
  host: values.host,
  port: portFlag('port', values.port),
  httpPort: portFlag('http-port', values['http-port']),
  keyFile: values['key-file'],
  peers: values.peer,
  ...(values.announce.length > 0 ? { announce: values.announce } : {}),
})
for (const address of relay.addresses) console.log(`relay listening on ${address}`)
if (relay.httpUrl !== undefined)
  console.log(`health and metrics on ${relay.httpUrl}/healthz ${relay.httpUrl}/metrics`)

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
    console.error(`--${name} must be a port number (0 picks a free one), not "${value}"`)
    process.exit(2)
  }
  return port
}
