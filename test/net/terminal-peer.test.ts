/**
 * The terminal peer as users run it (`bin/ghost-threads.js chat … --json`), in a child
 * process, chatting with a peer in the test through the relay process.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, statSync } from 'node:fs'
import { type AddressInfo, connect, createServer, type Server, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from '@jest/globals'
import { newInvite } from '../../src/core/private-room.js'
import { CREATOR } from '../helpers/invites.js'
import { useRelay } from '../helpers/relay-fixture.js'
import { sleep, waitFor } from '../helpers/wait.js'

type CliEvent = Record<string, unknown> & { event: string }

/** Terminal peers still running: a failed test must not leave one holding Jest open. */
const running = new Set<ChildProcessWithoutNullStreams>()
afterEach(() => {
  for (const child of running) child.kill('SIGKILL')
  running.clear()
})

class TerminalPeer {
  readonly events: CliEvent[] = []
  /** What it wrote to stderr (usage errors). */
  stderr = ''
  private buffered = ''
  readonly exited: Promise<number | null>

  /** `ghost-threads chat netspace <room> …flags`, as a user would start it. */
  static chat(room: string, ...flags: string[]): TerminalPeer {
    return TerminalPeer.chatWith({}, room, ...flags)
  }

  /** The same, with these environment variables set too. */
  static chatWith(env: Record<string, string>, room: string, ...flags: string[]): TerminalPeer {
    return new TerminalPeer(
      spawn(process.execPath, ['bin/ghost-threads.js', 'chat', 'netspace', room, ...flags], {
        stdio: 'pipe',
        env: { ...process.env, ...env },
      }),
    )
  }

  constructor(readonly child: ChildProcessWithoutNullStreams) {
    child.stderr.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString()
    })
    child.stdout.on('data', (chunk: Buffer) => {
      this.buffered += chunk.toString()
      const lines = this.buffered.split('\n')
      this.buffered = lines.pop() ?? ''
      for (const line of lines)
        if (line.trim() !== '') this.events.push(JSON.parse(line) as CliEvent)
    })
    running.add(child)
    this.exited = new Promise((resolve) =>
      child.once('exit', (code) => {
        running.delete(child)
        resolve(code)
      }),
    )
  }

  type(line: string): void {
    this.child.stdin.write(`${line}\n`)
  }

  async next(
    event: string,
    match: (e: CliEvent) => boolean = () => true,
    // A terminal peer compiles its TypeScript through tsx as it starts: in a CI run, beside
    // the other jest workers, two starting at once took over 10 s to print `ready`.
    timeoutMs = event === 'ready' ? 40_000 : 10_000,
  ): Promise<CliEvent> {
    await waitFor(() => this.events.some((e) => e.event === event && match(e)), {
      timeoutMs,
      what: `the terminal peer to print ${event}`,
    })
    return this.events.find((e) => e.event === event && match(e)) as CliEvent
  }
}

describe('npx ghost-threads chat', () => {
  const net = useRelay()

  it('joins, prints what happens, posts typed lines and DMs, and leaves on /quit', async () => {
    const identity = join(mkdtempSync(join(tmpdir(), 'ghost-cli-')), 'seed')
    const flags = ['--relay', net.relay.address]
    const cli = TerminalPeer.chat('terminal', ...flags, '--json', '--identity', identity)
    const ready = await cli.next('ready')
    expect(ready.topic).toBe('3box.chat.v2.netspace.terminal')
    // The identity is a 32-byte seed only the user can read.
    expect(readFileSync(identity)).toHaveLength(32)
    expect(statSync(identity).mode & 0o077).toBe(0)

    const web = await net.join('terminal', { space: 'netspace' })
    await cli.next('user-joined', (e) => e.did === web.did)
    // The terminal answers web's join with a presence at once. Under CI load the relay may
    // not have grafted web into its mesh yet and leaves it to gossip; the terminal's next
    // heartbeat (default timings: 20 s) is the last resort, so wait past one.
    await waitFor(() => web.events.joined.includes(ready.did as string), { timeoutMs: 25_000 })

    await web.thread.post({ hello: 'terminal' })
    expect((await cli.next('message', (e) => e.author === web.did)).message).toEqual({
      hello: 'terminal',
    })

    cli.type('hello from the terminal')
    await waitFor(() => web.events.texts().includes('hello from the terminal'), {
      timeoutMs: 5_000,
    })
    cli.type(`/dm ${web.did} only for you`)
    await cli.next('dm-sent')
    await waitFor(
      () =>
        web.events.messages.some((post) => post.message === 'only for you' && post.to === web.did),
      {
        timeoutMs: 5_000,
      },
    )
    cli.type('/members')
    expect(((await cli.next('members')).members as string[]).sort()).toEqual(
      [ready.did, web.did].sort(),
    )
    cli.type('/dm someone hi')
    expect((await cli.next('error')).message).toMatch(/usage: \/dm/)

    // Its relay answered all along: nothing to warn about.
    expect(cli.events.filter((e) => e.event.startsWith('relay-'))).toEqual([])
    cli.type('/quit')
    expect(await cli.exited).toBe(0)
    await waitFor(() => web.events.left.includes(ready.did as string), { timeoutMs: 5_000 })
  }, 60_000)

  it('says when it cannot reach its relay, keeps running and trying, and says when it can', async () => {
    // A "relay" that takes the WebSocket upgrade, holds it, then hangs up: once, that made
    // Node peers exit with an unhandled 'error' from ws.
    const sockets = new Set<Socket>()
    const hostile = createServer((socket) => {
      sockets.add(socket)
      socket.once('data', () => setTimeout(() => socket.destroy(), 2_000))
    })
    await new Promise<void>((resolve) => hostile.listen(0, '127.0.0.1', resolve))
    const port = (hostile.address() as AddressInfo).port
    const relayId = net.relay.address.split('/p2p/')[1] ?? ''
    let proxy: Server | undefined
    try {
      const cli = TerminalPeer.chat(
        'unreachable',
        '--relay',
        `/ip4/127.0.0.1/tcp/${port}/ws/p2p/${relayId}`,
        '--json',
      )
      const unreachable = await cli.next('relay-unreachable', () => true, 30_000)
      expect(unreachable.relays).toEqual([`/ip4/127.0.0.1/tcp/${port}/ws/p2p/${relayId}`])
      expect(unreachable.directPeers).toBe(0)
      // A line typed now reaches nobody: it is shown as queued, not as sent.
      const listener = await net.join('unreachable', { space: 'netspace' })
      cli.type('typed while nobody hears')
      await cli.next('queued')
      await sleep(5_000) // a few redials into the hang-ups
      expect(cli.child.exitCode).toBe(null)
      // The address starts to lead to the real relay (a proxy on the same port): it says so.
      for (const socket of sockets) socket.destroy()
      await new Promise((resolve) => hostile.close(resolve))
      const relayPort = Number(/tcp\/(\d+)/.exec(net.relay.address)?.[1])
      proxy = createServer((socket) => {
        const upstream = connect(relayPort, '127.0.0.1')
        socket.pipe(upstream).pipe(socket)
        socket.on('error', () => upstream.destroy())
        upstream.on('error', () => socket.destroy())
      })
      await new Promise<void>((resolve) => proxy?.listen(port, '127.0.0.1', resolve))
      await cli.next('relay-connected', () => true, 15_000)
      // The queued line goes out once the relay answers, and the terminal says so.
      await cli.next('queued-sent', () => true, 15_000)
      await waitFor(() => listener.events.allTexts().includes('typed while nobody hears'), {
        timeoutMs: 15_000,
        what: 'the queued line at a member once the relay answered',
      })
      cli.type('/quit')
      expect(await cli.exited).toBe(0)
    } finally {
      for (const socket of sockets) socket.destroy()
      if (hostile.listening) await new Promise((resolve) => hostile.close(resolve))
      proxy?.close()
    }
  }, 60_000)

  it('--invite joins a private room, as does GHOST_THREADS_INVITE; a wrong one is refused by name', async () => {
    const invite = newInvite(CREATOR)
    const web = await net.join('plans', { space: 'netspace', options: { invite } })
    const flags = ['--relay', net.relay.address, '--json']
    const byFlag = TerminalPeer.chat('what-i-call-it', ...flags, '--invite', invite)
    const byEnv = TerminalPeer.chatWith({ GHOST_THREADS_INVITE: invite }, 'another-name', ...flags)
    for (const cli of [byFlag, byEnv]) {
      const ready = await cli.next('ready')
      expect(ready).toMatchObject({ private: true, topic: web.thread.topic })
      await waitFor(() => web.events.joined.includes(ready.did as string), { timeoutMs: 25_000 })
    }
    byFlag.type('in the private room')
    await waitFor(() => web.events.texts().includes('in the private room'), { timeoutMs: 5_000 })
    await web.thread.post('seen by both terminals')
    for (const cli of [byFlag, byEnv])
      await cli.next('message', (e) => e.message === 'seen by both terminals')
    for (const cli of [byFlag, byEnv]) cli.type('/quit')
    expect(await Promise.all([byFlag.exited, byEnv.exited])).toEqual([0, 0])

    const wrong = TerminalPeer.chat('x', '--relay', net.relay.address, '--invite', 'abc')
    expect(await wrong.exited).toBe(2)
    expect(wrong.stderr).toMatch(
      /--invite: An invite is a private room's 64-byte secret and creator key.*after #/,
    )
  }, 120_000)

  it('explains a missing relay and exits with a usage error', async () => {
    const cli = TerminalPeer.chat('terminal')
    expect(await cli.exited).toBe(2)
    expect(cli.stderr).toMatch(/--relay ADDR.*npm run relay/)
  })

  it('refuses a relay address that is no multiaddr with a correct example, in one line', async () => {
    for (const wrong of ['ws://127.0.0.1:4040', '/ip4/127.0.0.1/tcp/4040/ws']) {
      const cli = TerminalPeer.chat('terminal', '--relay', wrong)
      expect(await cli.exited).toBe(2)
      expect(cli.stderr.trim().split('\n')).toEqual([
        `ghost-threads: --relay takes a multiaddr ending in the relay's /p2p/<peer id> (the relay prints it), e.g. /ip4/127.0.0.1/tcp/4040/ws/p2p/12D3KooW…, not "${wrong}"`,
      ])
    }
  })
})

describe('npx ghost-threads chat --wallet-key', () => {
  const net = useRelay()

  it("links the peer's DID to its wallet: others see the address; a copied link is refused by the relay", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ghost-cli-wallet-'))
    const walletKey = join(dir, 'wallet.key')
    const cli = TerminalPeer.chat(
      'linked',
      '--relay',
      net.relay.address,
      '--json',
      '--wallet-key',
      walletKey,
    )
    const ready = await cli.next('ready')
    const { Wallet } = await import('ethers')
    const address = new Wallet(readFileSync(walletKey, 'utf8').trim()).address
    expect(ready.address).toBe(address)
    expect(statSync(walletKey).mode & 0o777).toBe(0o600)
    // An unlinked member in the room sees the linked one with its address, and vice versa.
    const unlinked = await net.join('linked')
    await waitFor(
      async () =>
        (await unlinked.thread.listMembersWithAddresses()).some(
          (m) => m.did === ready.did && m.address === address,
        ),
      { timeoutMs: 10_000, what: 'the linked member with its address' },
    )
    // The terminal says the newcomer has no link.
    const joined = await cli.next('user-joined', (e) => e.did === unlinked.did)
    expect(joined.address).toBeUndefined()
    cli.type('/members')
    const members = await cli.next('members', (e) => (e.members as string[]).includes(unlinked.did))
    // Without --origin every link shows with the site it was made on (a terminal's: localhost).
    expect(ready.linkedOn).toEqual({ domain: 'localhost', chainId: 1 })
    expect(members.linked).toEqual(
      expect.arrayContaining([
        { did: ready.did, address, linkedOn: ready.linkedOn },
        { did: unlinked.did },
      ]),
    )
    cli.type('with my wallet')
    await waitFor(() => unlinked.events.messages.some((p) => p.message === 'with my wallet'), {
      timeoutMs: 10_000,
    })
    expect(unlinked.events.messages.find((p) => p.message === 'with my wallet')?.address).toBe(
      address,
    )

    // Someone copies the link out of a presence into their own presence: the relay refuses it.
    const { edKey, forge, claims } = await import('../helpers/jwt-forge.js')
    const { rawNodeInRoom } = await import('../helpers/raw-node.js')
    const presence = unlinked.thread.topic
    // A genuine link for the linked member's DID (as anyone in the room can copy one).
    const { linkFor } = await import('../../src/cli/wallet-key.js')
    const stolen = await linkFor(
      new Wallet(readFileSync(walletKey, 'utf8').trim()),
      ready.did as string,
      'netspace',
    )
    const mallory = edKey()
    const raw = await rawNodeInRoom(net.relay.address, presence)
    try {
      await raw.services.pubsub.publish(
        presence,
        new TextEncoder().encode(
          forge(mallory, claims(mallory, 'presence', presence, { link: stolen })),
        ),
      )
      await waitFor(
        async () =>
          (await net.relay.metric(
            'ghost_relay_messages_total{verdict="reject",reason="link-mismatch"}',
          )) === 1,
        { what: 'the relay to refuse the copied link' },
      )
      await sleep(300)
      expect(unlinked.events.joined).not.toContain(mallory.did)
      // The relay's logs hold neither the account nor its signature.
      for (const trace of [address, address.toLowerCase(), stolen.signature])
        expect(net.relay.output).not.toContain(trace)
    } finally {
      await raw.stop()
    }
    cli.type('/quit')
    expect(await cli.exited).toBe(0)
  }, 60_000)
  it('--origin: its own link names that site, and only members linked on that site show an address', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ghost-cli-origin-'))
    const cli = TerminalPeer.chat(
      'sited',
      '--relay',
      net.relay.address,
      '--json',
      '--wallet-key',
      join(dir, 'wallet.key'),
      '--origin',
      'https://dapp.example/some/page',
    )
    const ready = await cli.next('ready')
    expect(ready.linkedOn).toEqual({ domain: 'dapp.example', chainId: 1 })
    const { Wallet } = await import('ethers')
    const { linkFor } = await import('../../src/cli/wallet-key.js')
    // Two members link the same way, one on the terminal's site and one on another site.
    const onSite = await net.join('sited')
    const elsewhere = await net.join('sited')
    const siteWallet = Wallet.createRandom()
    for (const [peer, origin] of [
      [onSite, 'https://dapp.example'],
      [elsewhere, 'https://other.example'],
    ] as const) {
      const space = await peer.node.ghost.openSpace('netspace')
      await space.linkWallet(await linkFor(siteWallet, peer.did, 'netspace', origin))
      peer.thread.reannounce()
    }
    // The other members see both links with where each was made (the engine's own view).
    await waitFor(
      async () =>
        (await onSite.thread.listMembersWithAddresses()).some(
          (m) => m.did === elsewhere.did && m.linkedOn?.domain === 'other.example',
        ),
      { timeoutMs: 10_000, what: "the other site's link at a member" },
    )
    let listed: CliEvent | undefined
    await waitFor(
      async () => {
        const before = cli.events.length
        cli.type('/members')
        await cli.next('members', (e) => cli.events.indexOf(e) >= before)
        listed = cli.events.filter((e) => e.event === 'members').at(-1)
        const linked = (listed?.linked ?? []) as { did: string; address?: string }[]
        // Both members, each as it is now: under load the second can be listed a listing
        // later than the first (a loaded suite run saw only the first).
        return (
          linked.some((m) => m.did === onSite.did && m.address !== undefined) &&
          linked.some((m) => m.did === elsewhere.did)
        )
      },
      {
        timeoutMs: 15_000,
        what: 'the member linked on the terminal site (with its address) and the other one',
      },
    )
    expect(listed?.linked).toEqual(
      expect.arrayContaining([
        {
          did: onSite.did,
          address: siteWallet.address,
          linkedOn: { domain: 'dapp.example', chainId: 1 },
        },
        { did: elsewhere.did },
      ]),
    )
    cli.type('/quit')
    expect(await cli.exited).toBe(0)
  }, 60_000)

  it('--origin that is not a URL is refused by name, before joining', async () => {
    const cli = TerminalPeer.chat('x', '--relay', net.relay.address, '--origin', 'dapp example')
    expect(await cli.exited).toBe(2)
    expect(cli.stderr).toMatch(
      /--origin dapp example is not an http or https site.*https:\/\/dapp\.example/,
    )
  })
})
