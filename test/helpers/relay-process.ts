/**
 * The relay as a real child process (`src/relay/main.ts`, what `npm run relay` runs),
 * listening on 127.0.0.1 with a fresh key file. It can be stopped with SIGTERM and
 * started again on the same port and key, so peers see the same address come back.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { get } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { loadOrCreatePeerKey } from '../../src/relay/peer-key.js'
import { endWithUs } from '../../tools/end-with-us.js'
import { freePort } from '../../tools/free-port.js'
import { waitFor } from './wait.js'

export const TSX_ARGS = ['--import', 'tsx', '--no-warnings']

export interface RelayProcessInit {
  peers?: string[]
  /** More command-line flags, e.g. `--max-reservations-per-ip 2000` for a crowd on one machine. */
  args?: string[]
  port?: number
  httpPort?: number
  keyFile?: string
  /** Node flags for the relay process, e.g. `--cpu-prof` for a benchmark's profile. */
  nodeArgs?: string[]
  /**
   * Run this built file (dist/relay/ghost-threads-relay.mjs, copied where you like) with
   * plain Node instead of the sources through tsx; `cwd` is where it runs.
   */
  built?: { file: string; cwd: string }
  /** Let heapSnapshot() ask for the relay's heap (Node writes it on SIGUSR2, into a temporary folder). */
  heapSnapshots?: boolean
}

export class RelayProcess {
  address = ''
  httpUrl = ''
  output = ''
  private child: ChildProcess | undefined
  readonly keyFile: string
  /** Where the relay writes its heap snapshots, when it may (init.heapSnapshots). */
  private readonly diagnosticDir: string | undefined
  private port: number
  private httpPort: number

  /** The relay's peer id (its address ends in `/p2p/<id>`). */
  get peerId(): string {
    return this.address.slice(this.address.lastIndexOf('/p2p/') + 5)
  }

  constructor(private readonly init: RelayProcessInit = {}) {
    this.keyFile = init.keyFile ?? join(mkdtempSync(join(tmpdir(), 'ghost-relay-')), 'peer.key')
    this.port = init.port ?? 0
    this.httpPort = init.httpPort ?? 0
    this.diagnosticDir =
      init.heapSnapshots === true ? mkdtempSync(join(tmpdir(), 'ghost-relay-heap-')) : undefined
  }

  /**
   * Relays meshed with each other, each listing all the others (as README asks: a relay
   * spares only the relays it lists the per-peer limit). Their keys and ports are chosen
   * first, so every address is known before any starts.
   */
  static async startMeshed(
    count: number,
    init: Omit<RelayProcessInit, 'peers' | 'port' | 'keyFile'> = {},
  ): Promise<RelayProcess[]> {
    const planned: { keyFile: string; port: number; address: string }[] = []
    for (let i = 0; i < count; i++) {
      const keyFile = join(mkdtempSync(join(tmpdir(), 'ghost-relay-')), 'peer.key')
      const { key } = await loadOrCreatePeerKey(keyFile)
      const port = await freePort()
      const id = peerIdFromPrivateKey(key).toString()
      planned.push({ keyFile, port, address: `/ip4/127.0.0.1/tcp/${port}/ws/p2p/${id}` })
    }
    const relays: RelayProcess[] = []
    for (const { keyFile, port, address } of planned) {
      const peers = planned.flatMap((other) => (other.address === address ? [] : [other.address]))
      relays.push(await RelayProcess.start({ ...init, keyFile, port, peers }))
    }
    return relays
  }

  static async start(init: RelayProcessInit = {}): Promise<RelayProcess> {
    const relay = new RelayProcess(init)
    await relay.start()
    return relay
  }

  async start(): Promise<void> {
    const entry =
      this.init.built === undefined ? [...TSX_ARGS, 'src/relay/main.ts'] : [this.init.built.file]
    const heap =
      this.diagnosticDir === undefined
        ? []
        : ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${this.diagnosticDir}`]
    const args = [
      ...heap,
      ...(this.init.nodeArgs ?? []),
      ...entry,
      ...['--port', String(this.port), '--http-port', String(this.httpPort)],
      ...['--key-file', this.keyFile],
      ...(this.init.peers ?? []).flatMap((peer) => ['--peer', peer]),
      ...(this.init.args ?? []),
    ]
    const child = spawn(process.execPath, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(this.init.built === undefined ? {} : { cwd: this.init.built.cwd }),
    })
    this.child = child
    endWithUs(child)
    this.output = ''
    child.stdout?.on('data', (chunk: Buffer) => {
      this.output += chunk.toString()
    })
    child.stderr?.on('data', (chunk: Buffer) => {
      this.output += chunk.toString()
    })
    await waitFor(
      () => /health and metrics on (\S+)\/healthz/.test(this.output) || child.exitCode !== null,
      {
        timeoutMs: 15_000,
        what: 'the relay to start',
      },
    )
    const address = /relay listening on (\S+)/.exec(this.output)?.[1]
    const httpUrl = /health and metrics on (\S+)\/healthz/.exec(this.output)?.[1]
    if (address === undefined || httpUrl === undefined)
      throw new Error(`relay did not start:\n${this.output}`)
    this.address = address
    this.httpUrl = httpUrl
    // A restart comes back on the same ports, so peers redial the same address.
    this.port = Number(/tcp\/(\d+)/.exec(address)?.[1])
    this.httpPort = Number(new URL(httpUrl).port)
  }

  /** The relay's process id while it runs (for CPU and memory readings). */
  get pid(): number | undefined {
    return this.child?.exitCode === null && this.child.signalCode === null
      ? this.child.pid
      : undefined
  }

  /** SIGTERM, as an orchestrator stops it; resolves with the exit code. */
  stop(): Promise<number | null> {
    return this.end('SIGTERM')
  }

  /** SIGKILL: the relay vanishes without a word to anyone (a crash, a lost machine). */
  async crash(): Promise<void> {
    await this.end('SIGKILL')
  }

  private async end(signal: 'SIGTERM' | 'SIGKILL'): Promise<number | null> {
    const child = this.child
    // A killed process has a signalCode and no exitCode: it is gone all the same.
    if (child === undefined || child.exitCode !== null || child.signalCode !== null)
      return child?.exitCode ?? null
    const exited = new Promise<number | null>((resolve) =>
      child.once('exit', (code) => resolve(code)),
    )
    child.kill(signal)
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000)
    const code = await exited
    clearTimeout(timer)
    return code
  }

  /**
   * The relay's whole JavaScript heap as Node writes a snapshot (every string it holds is
   * in it), for tests that look for what a relay must never hold. Needs init.heapSnapshots.
   */
  async heapSnapshot(): Promise<string> {
    const dir = this.diagnosticDir
    const pid = this.pid
    if (dir === undefined || pid === undefined)
      throw new Error('heapSnapshot() needs a running relay started with heapSnapshots: true')
    const before = new Set(readdirSync(dir))
    process.kill(pid, 'SIGUSR2')
    let text = ''
    await waitFor(
      () => {
        const file = readdirSync(dir).find(
          (name) => !before.has(name) && name.endsWith('.heapsnapshot'),
        )
        text = file === undefined ? '' : readFileSync(join(dir, file), 'utf8')
        return text.trimEnd().endsWith(']}')
      },
      { timeoutMs: 60_000, what: 'the relay to write its heap snapshot' },
    )
    return text
  }

  /**
   * The relay's `/metrics` text, over a connection of its own: fetch reuses idle sockets,
   * and one the relay closed as idle (5 s) while the next request was on its way failed a
   * loaded benchmark run with "other side closed".
   */
  metrics(): Promise<string> {
    return new Promise((resolve, reject) => {
      const request = get(`${this.httpUrl}/metrics`, { agent: false }, (response) => {
        let text = ''
        response.setEncoding('utf8')
        response.on('data', (chunk: string) => {
          text += chunk
        })
        response.on('end', () => resolve(text))
        response.on('error', reject)
      })
      request.on('error', reject)
    })
  }

  /** One sample of a metric, by name and labels as written in the exposition text. */
  async metric(series: string): Promise<number> {
    const line = (await this.metrics()).split('\n').find((row) => row.startsWith(`${series} `))
    return line === undefined ? 0 : Number(line.slice(series.length + 1))
  }
}
