/** @jest-environment jsdom */
import { describe, expect, it } from '@jest/globals'
import { fireEvent, render, screen, waitFor } from '@testing-library/preact'
import { App } from '../../src/popup/components/App.js'
import { BlockList } from '../../src/popup/components/BlockList.js'
import { Composer } from '../../src/popup/components/Composer.js'
import { IdentitySettings } from '../../src/popup/components/IdentitySettings.js'
import { MemberList } from '../../src/popup/components/MemberList.js'
import { MessageList } from '../../src/popup/components/MessageList.js'
import { PermissionList } from '../../src/popup/components/PermissionList.js'
import { RoomList } from '../../src/popup/components/RoomList.js'
import { StatusBar } from '../../src/popup/components/StatusBar.js'
import { createPopupStore } from '../../src/popup/store.js'
import { DEFAULT_SETTINGS } from '../../src/shared/settings.js'
import { colourOf, shortDid } from '../../src/ui/did-display.js'
import { MemberColours } from '../../src/ui/member-colours.js'
import { PermissionPrompt } from '../../src/ui/PermissionPrompt.js'
import { BOB, CAROL, fakePopupApi, INVITE, post, SELF, status } from './fake-popup-api.js'

/** The browser's clipboard as jsdom lacks one: what the popup copies lands in the list. */
function clipboardInto(): string[] {
  const copied: string[] = []
  Object.defineProperty(navigator, 'clipboard', {
    configurable: true,
    value: { writeText: async (text: string) => void copied.push(text) },
  })
  return copied
}

const HOSTILE = '<img src=x onerror="window.pwned=1"><b>bold</b>'
const noRetry = async () => undefined
/** A page is in a room: a relay is wanted. */
const IN_A_ROOM = {
  space: 'dapp',
  room: 'lobby',
  members: 2,
  direct: 0,
  owners: ['https://dapp.example'],
  unread: 0,
  topic: '3box.chat.v2.dapp.lobby',
  private: false,
}

describe('StatusBar', () => {
  it('shows relay, peers and direct peers when connected', () => {
    const open = {
      space: 'dao',
      room: 'lobby',
      members: 2,
      direct: 1,
      owners: [],
      unread: 0,
      topic: '3box.chat.v2.dao.lobby',
      private: false,
    }
    render(<StatusBar status={status({ threads: [open] })} onRetry={noRetry} />)
    expect(screen.getByRole('status').textContent).toContain('relay connected · 3 peers · 1 direct')
  })

  it('says no room is open, and no banner, while no page is in a room', () => {
    render(
      <StatusBar
        status={status({
          relays: [{ address: '/ip4/1.2.3.4/tcp/1/ws', connected: false }],
          threads: [],
        })}
        onRetry={noRetry}
      />,
    )
    expect(screen.getByRole('status').textContent).toContain('No room open')
    expect(screen.queryByRole('alert')).toBeNull()
  })

  it('warns with a banner when no relay answers, and when the host does not', () => {
    const { unmount } = render(
      <StatusBar
        status={status({
          relays: [{ address: '/ip4/1.2.3.4/tcp/1/ws', connected: false }],
          threads: [IN_A_ROOM],
        })}
        onRetry={noRetry}
      />,
    )
    expect(screen.getByRole('alert').textContent).toContain('No relay reachable (1 configured)')
    unmount()
    render(<StatusBar status={undefined} error="timed out" onRetry={noRetry} />)
    expect(screen.getByRole('alert').textContent).toContain('did not answer: timed out')
  })

  it('retries at once from the banner and says when the retry failed', async () => {
    let retries = 0
    render(
      <StatusBar
        status={status({
          relays: [{ address: '/ip4/1.2.3.4/tcp/1/ws', connected: false }],
          threads: [IN_A_ROOM],
        })}
        onRetry={async () => {
          retries++
          return 'The extension’s host did not answer; try again'
        }}
      />,
    )
    fireEvent.click(screen.getByRole('button', { name: 'Retry now' }))
    await waitFor(() => expect(screen.getByRole('alert').textContent).toContain('try again'))
    expect(retries).toBe(1)
  })
})

describe('RoomList', () => {
  it('says when there are no rooms', () => {
    render(<RoomList rooms={[]} onOpen={() => {}} />)
    expect(screen.getByText(/No rooms open/)).toBeTruthy()
  })

  it('groups rooms by space with members, direct peers, sites and unread counts; opens one', () => {
    const opened: unknown[] = []
    render(
      <RoomList
        rooms={[
          {
            space: 'dao',
            room: 'lobby',
            members: 4,
            direct: 2,
            owners: ['https://a.example'],
            unread: 0,
            topic: '3box.chat.v2.dao.lobby',
            private: false,
          },
          {
            space: 'game',
            room: 'chat',
            members: 1,
            direct: 0,
            owners: ['https://b.example', 'https://c.example'],
            unread: 120,
            topic: '3box.chat.v2.game.chat',
            private: false,
          },
          {
            space: 'dao',
            room: 'votes',
            members: 2,
            direct: 0,
            owners: ['https://a.example'],
            unread: 3,
            topic: '3box.chat.v2.dao.votes',
            private: false,
          },
        ]}
        onOpen={(room) => opened.push(room)}
      />,
    )
    const dao = screen.getByRole('region', { name: 'space dao' })
    expect(dao.textContent).toContain('lobby4 online · 2 directhttps://a.example')
    expect(dao.textContent).toContain('votes')
    expect(screen.getByRole('region', { name: 'space game' }).textContent).toContain(
      'https://b.example, https://c.example',
    )
    expect(screen.getByRole('button', { name: 'Open chat, 120 unread' }).textContent).toContain(
      '99+',
    )
    fireEvent.click(screen.getByRole('button', { name: 'Open votes, 3 unread' }))
    fireEvent.click(screen.getByRole('button', { name: 'Open lobby' }))
    expect(opened).toEqual([
      { space: 'dao', room: 'votes', topic: '3box.chat.v2.dao.votes' },
      { space: 'dao', room: 'lobby', topic: '3box.chat.v2.dao.lobby' },
    ])
  })

  it('shows a long list of rooms', () => {
    const rooms = Array.from({ length: 300 }, (_, i) => ({
      space: `s${i % 5}`,
      room: `room-${i}`,
      members: i,
      direct: 0,
      owners: ['https://a.example'],
      unread: i % 3,
      topic: `3box.chat.v2.s${i % 5}.room-${i}`,
      private: false,
    }))
    const { container } = render(<RoomList rooms={rooms} onOpen={() => {}} />)
    expect(container.querySelectorAll('button.room')).toHaveLength(300)
    expect(container.querySelectorAll('section')).toHaveLength(5)
  })

  it('renders hostile names as text, never as markup', () => {
    const { container } = render(
      <RoomList
        rooms={[
          {
            space: 's',
            room: HOSTILE,
            members: 1,
            direct: 0,
            owners: [HOSTILE],
            unread: 0,
            topic: '3box.chat.v2.dao.lobby',
            private: false,
          },
        ]}
        onOpen={() => {}}
      />,
    )
    expect(container.querySelector('img')).toBeNull()
    expect(container.querySelector('b')).toBeNull()
    expect(container.textContent).toContain(HOSTILE)
  })
})

describe('PermissionList', () => {
  it('lists decisions and revokes one', () => {
    const revoked: string[] = []
    render(
      <PermissionList
        entries={[
          { origin: 'https://a.example', space: 'dao', decision: 'allow', at: 1 },
          { origin: 'https://b.example', space: 'dao', decision: 'deny', at: 2 },
        ]}
        onRevoke={(origin, space) => revoked.push(`${origin} ${space}`)}
      />,
    )
    fireEvent.click(screen.getByRole('button', { name: 'Revoke https://a.example in dao' }))
    expect(revoked).toEqual(['https://a.example dao'])
    expect(screen.getByText('denied')).toBeTruthy()
  })

  it('shows with a grant the relays the site named and the wallet account linked there', () => {
    const relay =
      '/dns4/relay.dapp.example/tcp/443/wss/p2p/12D3KooWEyoppNCUx8Yx66oV9fJnriXwCcXwDDUA2kj6vnc6iDEp'
    const { container } = render(
      <PermissionList
        entries={[
          {
            origin: 'https://a.example',
            space: 'dao',
            decision: 'allow',
            at: 1,
            relays: [relay],
            linkedAddress: '0x9D21Fb2781857480B2bfDBe39d7434AbE1561Bf2',
          },
          { origin: 'https://b.example', space: 'dao', decision: 'allow', at: 2 },
        ]}
        onRevoke={() => undefined}
      />,
    )
    const [withBoth, plain] = [...container.querySelectorAll('.permissions > li')]
    expect(
      [...(withBoth?.querySelectorAll('.site-relays li') ?? [])].map((li) => li.textContent),
    ).toEqual([relay])
    expect(withBoth?.querySelector('.linked')?.textContent).toBe('wallet 0x9D21…1Bf2')
    expect(plain?.querySelector('.site-relays')).toBeNull()
    expect(plain?.querySelector('.linked')).toBeNull()
  })

  it('says when no site asked yet', () => {
    render(<PermissionList entries={[]} onRevoke={() => {}} />)
    expect(screen.getByText('No site has asked yet.')).toBeTruthy()
  })
})

describe('PermissionPrompt', () => {
  it('shows origin, space and DID as text, and reports the choice', () => {
    const choices: boolean[] = []
    const { container } = render(
      <PermissionPrompt
        details={{ origin: HOSTILE, space: 'dao', did: 'did:key:z6Mkexample', relays: [] }}
        onDecide={(allow) => choices.push(allow)}
      />,
    )
    expect(container.querySelector('img')).toBeNull()
    expect(screen.getByTestId('origin').textContent).toBe(HOSTILE)
    // The DID wears the avatar it has in the popup.
    const expected = document.createElement('span')
    expected.style.background = colourOf('did:key:z6Mkexample')
    expect((container.querySelector('.avatar') as HTMLElement).style.background).toBe(
      expected.style.background,
    )
    fireEvent.click(screen.getByRole('button', { name: 'Deny' }))
    fireEvent.click(screen.getByRole('button', { name: 'Allow' }))
    expect(choices).toEqual([false, true])
    // No relays named: nothing about them.
    expect(screen.queryByTestId('relays')).toBeNull()
    // What else the site may do in the space: private rooms, with the popup's lock.
    expect(screen.getByTestId('private-note').textContent).toMatch(
      /🔒 It may also open private rooms here: only people given a room's invite link can read them/,
    )
  })

  it('lists the relays a site names, as text', () => {
    const relay =
      '/dns4/relay.example.com/tcp/443/wss/p2p/12D3KooWQYhTNQdmr3ArTeUHRYzFg94BKyTkoWBDWez9kSCVe2Xo'
    render(
      <PermissionPrompt
        details={{
          origin: 'https://a.example',
          space: 'dao',
          did: 'did:key:z6Mkexample',
          relays: [relay, HOSTILE],
        }}
        onDecide={() => {}}
      />,
    )
    const listed = [...screen.getByTestId('relays').querySelectorAll('li')].map(
      (li) => li.textContent,
    )
    expect(listed).toEqual([relay, HOSTILE])
    expect(screen.getByTestId('relays').querySelector('img')).toBeNull()
  })

  it('says when the request expired', () => {
    render(<PermissionPrompt details={null} onDecide={() => {}} />)
    expect(screen.getByText('This request has expired')).toBeTruthy()
  })
})

/** What a message list needs beside its posts: a room's colours, no reactions, no seen mark. */
function listParts() {
  return {
    colours: new MemberColours(),
    reactions: {},
    seen: undefined,
    onReact: () => {},
  }
}

describe('MessageList', () => {
  const feed = (...posts: ReturnType<typeof post>[]) =>
    posts.map((p, i) => ({ seq: i + 1, post: p }))

  it("shows a linked author's account beside the DID, with where it was linked on hover", () => {
    const address = '0x9D21Fb2781857480B2bfDBe39d7434AbE1561Bf2'
    const { container } = render(
      <MessageList
        {...listParts()}
        posts={feed(
          post(BOB, 'linked', { address, linkedOn: { domain: 'dapp.example', chainId: 1 } }),
          post(CAROL, 'not linked'),
        )}
        ownDid={SELF}
        hidden={0}
        onBlock={() => {}}
      />,
    )
    const [linked, unlinked] = [...container.querySelectorAll('li.message')]
    expect(linked?.querySelector('.address')?.textContent).toBe('0x9D21…1Bf2')
    expect(linked?.querySelector('.address')?.getAttribute('title')).toBe(
      `${address} (linked on dapp.example, chain 1)`,
    )
    expect(unlinked?.querySelector('.address')).toBeNull()
  })

  it('says when the room has no messages yet', () => {
    render(<MessageList {...listParts()} posts={[]} ownDid={SELF} hidden={0} onBlock={() => {}} />)
    expect(screen.getByText(/No messages yet/)).toBeTruthy()
  })

  it('shows author, time, DMs and own posts; hostile text stays text; blocks an author', () => {
    const blocked: string[] = []
    const { container } = render(
      <MessageList
        {...listParts()}
        posts={feed(
          post(BOB, HOSTILE),
          post(SELF, 'mine'),
          post(BOB, 'psst', { to: SELF }),
          post(CAROL, { json: true }),
        )}
        ownDid={SELF}
        hidden={2}
        onBlock={(did) => blocked.push(did)}
      />,
    )
    expect(container.querySelector('img')).toBeNull()
    expect(container.querySelector('b')).toBeNull()
    const rows = [...container.querySelectorAll('li.message')]
    expect(rows.map((row) => row.querySelector('.text')?.textContent)).toEqual([
      HOSTILE,
      'mine',
      'psst',
      '{"json":true}',
    ])
    expect(rows[0]?.textContent).toContain(shortDid(BOB))
    expect(rows[1]?.textContent).toContain('(you)')
    expect(rows[1]?.querySelector('button.block')).toBeNull()
    expect(rows[2]?.querySelector('.dm')?.textContent).toBe('DM → you')
    expect(rows[2]?.classList.contains('direct')).toBe(true)
    expect(rows[0]?.querySelector('time')?.getAttribute('datetime')).toBe(
      '2023-11-14T22:13:20.000Z',
    )
    // One author, one colour, in every row.
    const colours = [rows[0], rows[2]].map(
      (row) => (row?.querySelector('.avatar') as HTMLElement | null)?.style.background,
    )
    expect(colours[0]).toBe(colours[1])
    expect(colourOf(BOB)).not.toBe(colourOf(CAROL))
    expect(screen.getByText('2 messages from blocked people hidden')).toBeTruthy()
    fireEvent.click(screen.getAllByRole('button', { name: `Block ${BOB}` })[0] as HTMLElement)
    expect(blocked).toEqual([BOB])
  })

  it('renders a room with a thousand posts', () => {
    const posts = feed(
      ...Array.from({ length: 1_000 }, (_, i) => post(i % 2 ? BOB : CAROL, `m${i}`)),
    )
    const { container } = render(
      <MessageList {...listParts()} posts={posts} ownDid={SELF} hidden={0} onBlock={() => {}} />,
    )
    expect(container.querySelectorAll('li.message')).toHaveLength(1_000)
    expect(container.querySelector('li.message:last-child .text')?.textContent).toBe('m999')
  })
})

/** Bob online, his wallet linked on dapp.example and `chainId`. */
function linkedBob(chainId: number) {
  return {
    did: BOB,
    online: true,
    blocked: false,
    address: '0x9D21Fb2781857480B2bfDBe39d7434AbE1561Bf2',
    linkedOn: { domain: 'dapp.example', chainId },
  }
}

describe('MemberList', () => {
  it('shows online and offline members, marks you, and blocks or unblocks', () => {
    const changes: string[] = []
    const { container } = render(
      <MemberList
        colours={new MemberColours()}
        members={[
          { did: SELF, online: true, blocked: false },
          linkedBob(10),
          { did: CAROL, online: false, blocked: true },
        ]}
        ownDid={SELF}
        onBlock={(did, blocked) => changes.push(`${blocked} ${did}`)}
      />,
    )
    const rows = [...container.querySelectorAll('li')]
    // A linked member shows its account, short and checksummed (in full on hover).
    const bobAddress = rows[1]?.querySelector('.address')
    expect(bobAddress?.textContent).toBe('0x9D21…1Bf2')
    // The popup sees every site's links: the hover says which site (and chain) it was made on.
    expect(bobAddress?.getAttribute('title')).toBe(
      '0x9D21Fb2781857480B2bfDBe39d7434AbE1561Bf2 (linked on dapp.example, chain 10)',
    )
    expect(rows[2]?.querySelector('.address')?.textContent).toBe('unlinked')
    expect(rows.map((row) => row.className)).toEqual(['online', 'online', 'offline'])
    expect(rows[0]?.textContent).toContain('(you)')
    expect(rows[0]?.querySelector('button')).toBeNull()
    expect(rows[2]?.textContent).toContain('offline · blocked')
    fireEvent.click(screen.getByRole('button', { name: `Block ${BOB}` }))
    fireEvent.click(screen.getByRole('button', { name: `Unblock ${CAROL}` }))
    expect(changes).toEqual([`true ${BOB}`, `false ${CAROL}`])
  })
})

describe('the popup, polished (issue 24)', () => {
  it('gives two members of a room two colours, always (the DID hash can collide)', () => {
    // Sixty authors: a hash of 360 hues collides among them; the room's colours never do.
    const authors = Array.from(
      { length: 60 },
      (_, i) => `did:key:z6Mk${String(i).padStart(44, 'q')}`,
    )
    const { container } = render(
      <MessageList
        {...listParts()}
        posts={authors.map((did, i) => ({ seq: i + 1, post: post(did, `m${i}`) }))}
        ownDid={SELF}
        hidden={0}
        onBlock={() => {}}
      />,
    )
    const colours = [...container.querySelectorAll('li.message .avatar')].map(
      (mark) => (mark as HTMLElement).style.background,
    )
    expect(new Set(authors.map(colourOf)).size).toBeLessThan(60)
    expect(new Set(colours).size).toBe(60)
  })

  it('makes http(s) links clickable, opening a new tab without a referrer; nothing else', () => {
    const { container } = render(
      <MessageList
        {...listParts()}
        posts={[{ seq: 1, post: post(BOB, 'see https://example.com/a. or javascript:alert(1)') }]}
        ownDid={SELF}
        hidden={0}
        onBlock={() => {}}
      />,
    )
    const links = [...container.querySelectorAll('.text a')]
    expect(
      links.map((a) => [a.getAttribute('href'), a.getAttribute('rel'), a.getAttribute('target')]),
    ).toEqual([['https://example.com/a', 'noopener noreferrer', '_blank']])
  })

  it('shows reactions with counts and who, adds one from the picker, and seen by N under the newest', () => {
    const reacted: string[] = []
    const first = post(BOB, 'react to me')
    const newest = post(SELF, 'newest')
    render(
      <MessageList
        {...listParts()}
        posts={[
          { seq: 1, post: first },
          { seq: 2, post: newest },
        ]}
        reactions={{ [first.postId]: [{ emoji: '🎉', count: 2, dids: [SELF, CAROL] }] }}
        seen={{ postId: newest.postId, count: 3 }}
        ownDid={SELF}
        hidden={0}
        onBlock={() => {}}
        onReact={(postId, emoji) => reacted.push(`${emoji} ${postId === first.postId}`)}
      />,
    )
    const chip = screen.getByRole('button', { name: /^🎉 2, from you, z6Mk/ })
    expect(chip.getAttribute('aria-pressed')).toBe('true')
    fireEvent.click(chip)
    fireEvent.click(screen.getAllByRole('button', { name: 'Add a reaction' })[0] as HTMLElement)
    fireEvent.click(screen.getByRole('button', { name: 'React with 👍' }))
    expect(reacted).toEqual(['🎉 true', '👍 true'])
    expect(screen.getByText('Seen by 3')).toBeTruthy()
  })

  it('says "unlinked" only in a room where someone linked a wallet', () => {
    const plain = render(
      <MemberList
        members={[
          { did: SELF, online: true, blocked: false },
          { did: BOB, online: true, blocked: false },
        ]}
        ownDid={SELF}
        colours={new MemberColours()}
        onBlock={() => {}}
      />,
    )
    expect(plain.container.textContent).not.toContain('unlinked')
    plain.unmount()
    const mixed = render(
      <MemberList
        members={[
          { did: SELF, online: true, blocked: false },
          linkedBob(1),
          { did: CAROL, online: false, blocked: false },
        ]}
        ownDid={SELF}
        colours={new MemberColours()}
        onBlock={() => {}}
      />,
    )
    expect(mixed.container.textContent).toContain('unlinked')
    // Each group under its own count: the counts add up to what is listed.
    expect(screen.getByText('Online (2)')).toBeTruthy()
    expect(screen.getByText('Seen earlier (1)')).toBeTruthy()
  })

  it('says no room is open when none is, whatever the relays and peers', () => {
    render(
      <StatusBar
        status={status({ connections: 3, threads: [] })}
        onRetry={async () => undefined}
      />,
    )
    expect(screen.getByRole('status').textContent).toContain('No room open')
    expect(screen.queryByText(/3 peers/)).toBeNull()
  })

  it('names the Revoke button Revoke (and Forget only where it forgets a refusal)', () => {
    render(
      <PermissionList
        entries={[
          { origin: 'https://a.example', space: 'dao', decision: 'allow', at: 1 },
          { origin: 'https://b.example', space: 'dao', decision: 'deny', at: 1 },
        ]}
        onRevoke={() => {}}
      />,
    )
    expect(screen.getByRole('button', { name: 'Revoke https://a.example in dao' })).toBeTruthy()
    expect(screen.getByRole('button', { name: 'Forget https://b.example in dao' })).toBeTruthy()
  })
})

describe('MemberList, long', () => {
  it('lists sixty members, online first, each once', () => {
    const members = Array.from({ length: 60 }, (_, i) => ({
      did: `did:key:z6Mk${String(i).padStart(44, 'm')}`,
      online: i < 45,
      blocked: i % 10 === 0,
    }))
    const { container } = render(
      <MemberList
        members={members}
        ownDid={members[0]?.did as string}
        colours={new MemberColours()}
        onBlock={() => {}}
      />,
    )
    expect(container.querySelectorAll('li.online')).toHaveLength(45)
    expect(container.querySelectorAll('li.offline')).toHaveLength(15)
    expect(screen.getAllByRole('button', { name: /^Unblock / })).toHaveLength(5)
  })
})

describe('Composer', () => {
  it('sends on Enter, not on Shift+Enter, and keeps the text of a refused post', async () => {
    const sent: string[] = []
    render(
      <Composer
        onSend={async (text) => {
          sent.push(text)
          return text === 'too long' ? 'The message is too large' : undefined
        }}
      />,
    )
    const box = screen.getByLabelText('Message') as HTMLTextAreaElement
    fireEvent.input(box, { target: { value: 'line one' } })
    fireEvent.keyDown(box, { key: 'Enter', shiftKey: true })
    expect(sent).toEqual([])
    fireEvent.keyDown(box, { key: 'Enter' })
    await waitFor(() => expect(box.value).toBe(''))
    fireEvent.input(box, { target: { value: 'too long' } })
    fireEvent.click(screen.getByRole('button', { name: 'Send' }))
    await waitFor(() =>
      expect(screen.getByRole('alert').textContent).toBe('The message is too large'),
    )
    expect(box.value).toBe('too long')
    expect(sent).toEqual(['line one', 'too long'])
  })
})

describe('BlockList', () => {
  it('says when nobody is blocked, and unblocks', () => {
    const { unmount } = render(<BlockList blocked={[]} onUnblock={() => {}} />)
    expect(screen.getByText('Nobody is blocked.')).toBeTruthy()
    unmount()
    const undone: string[] = []
    render(<BlockList blocked={[BOB]} onUnblock={(did) => undone.push(did)} />)
    fireEvent.click(screen.getByRole('button', { name: `Unblock ${BOB}` }))
    expect(undone).toEqual([BOB])
  })
})

describe('IdentitySettings', () => {
  it('shows the phrase only after a confirmation, and imports only after another', async () => {
    const { api, calls } = fakePopupApi()
    render(
      <IdentitySettings
        identities={[{ space: 'dao', did: SELF }]}
        onExport={api.exportPhrase}
        onImport={async (phrase) => {
          const outcome = await api.importPhrase({ phrase })
          return outcome.ok ? undefined : outcome.error.message
        }}
      />,
    )
    expect(screen.getByRole('list', { name: 'your DID per space' }).textContent).toContain(
      shortDid(SELF),
    )
    fireEvent.click(screen.getByRole('button', { name: 'Show recovery phrase' }))
    expect(calls).toEqual([])
    fireEvent.click(screen.getByRole('button', { name: 'Show the words' }))
    const phrase = await screen.findByRole('list', { name: 'recovery phrase' })
    expect(phrase.querySelectorAll('li')).toHaveLength(24)
    fireEvent.click(screen.getByRole('button', { name: 'Hide' }))
    expect(screen.queryByRole('list', { name: 'recovery phrase' })).toBeNull()

    fireEvent.click(screen.getByRole('button', { name: 'Import a recovery phrase' }))
    fireEvent.input(screen.getByLabelText(/Recovery phrase/), { target: { value: 'bad xx' } })
    fireEvent.click(screen.getByRole('button', { name: 'Import' }))
    expect(calls).toEqual(['export'])
    fireEvent.click(screen.getByRole('button', { name: 'Replace my identity' }))
    await waitFor(() => expect(screen.getByRole('alert').textContent).toContain('Word 3'))
    fireEvent.input(screen.getByLabelText(/Recovery phrase/), { target: { value: 'good words' } })
    fireEvent.click(screen.getByRole('button', { name: 'Import' }))
    fireEvent.click(screen.getByRole('button', { name: 'Replace my identity' }))
    await waitFor(() =>
      expect(screen.getByRole('status').textContent).toContain('Identity replaced'),
    )
    expect(calls).toEqual(['export', 'import bad xx', 'import good words'])
  })
})

describe('the popup over a fake router', () => {
  it('lists rooms, switches to settings, saves relays and shows a refusal, revokes', async () => {
    const { api, saved, revoked } = fakePopupApi()
    render(<App store={createPopupStore(api)} />)
    await waitFor(() => expect(screen.getByText('lobby')).toBeTruthy())
    fireEvent.click(screen.getByRole('button', { name: 'Settings' }))
    const relays = await screen.findByLabelText(/Relay addresses/)
    fireEvent.input(relays, { target: { value: 'not-a-multiaddr' } })
    fireEvent.click(screen.getByRole('button', { name: 'Save relays' }))
    await waitFor(() =>
      expect(screen.getByRole('alert').textContent).toBe('relays.0: not a multiaddr'),
    )
    expect(saved).toEqual([])
    fireEvent.input(relays, { target: { value: '/dns4/relay.example.com/tcp/443/wss\n' } })
    fireEvent.click(screen.getByRole('button', { name: 'Save relays' }))
    await waitFor(() => expect(screen.getByText('Saved and applied.')).toBeTruthy())
    expect(saved).toEqual([
      { ...DEFAULT_SETTINGS, relays: ['/dns4/relay.example.com/tcp/443/wss'] },
    ])
    fireEvent.click(screen.getByRole('button', { name: 'Revoke https://a.example in dao' }))
    await waitFor(() => expect(revoked).toEqual(['https://a.example dao']))
    expect(screen.getByText(/Ghost Threads 9\.9\.9/)).toBeTruthy()
  })

  it('opens a room, posts, blocks from a message, unblocks in settings, and leaves', async () => {
    const { api, add, calls } = fakePopupApi()
    add(post(BOB, 'hello from bob'))
    add(post(CAROL, 'hi, carol here'))
    render(<App store={createPopupStore(api)} />)
    fireEvent.click(await screen.findByRole('button', { name: 'Open lobby, 3 unread' }))
    await screen.findByText('hello from bob')
    fireEvent.click(screen.getByRole('button', { name: 'https://a.example' }))
    const box = screen.getByLabelText('Message')
    fireEvent.input(box, { target: { value: 'from the popup' } })
    fireEvent.keyDown(box, { key: 'Enter' })
    await screen.findByText('from the popup')
    // Posts that arrive while the room is open appear without a click.
    add(post(BOB, 'a live one'))
    await screen.findByText('a live one', {}, { timeout: 2_000 })

    fireEvent.click(screen.getAllByRole('button', { name: `Block ${BOB}` })[0] as HTMLElement)
    await waitFor(() => expect(screen.queryByText('hello from bob')).toBeNull())
    expect(screen.queryByText('a live one')).toBeNull()
    expect(screen.getByText('hi, carol here')).toBeTruthy()
    expect(screen.getByText('2 messages from blocked people hidden')).toBeTruthy()

    fireEvent.click(screen.getByRole('tab', { name: /Members/ }))
    expect(screen.getByRole('list', { name: 'members online' }).textContent).toContain(
      'online · blocked',
    )

    fireEvent.click(screen.getByRole('button', { name: 'Settings' }))
    fireEvent.click(await screen.findByRole('button', { name: `Unblock ${BOB}` }))
    await waitFor(() => expect(screen.getByText('Nobody is blocked.')).toBeTruthy())
    fireEvent.click(screen.getByRole('button', { name: 'Rooms' }))
    await screen.findByText('hello from bob', {}, { timeout: 2_000 })
    // Rooms again goes to the list; the room opens again from there.
    fireEvent.click(screen.getByRole('button', { name: 'Rooms' }))
    fireEvent.click(await screen.findByRole('button', { name: /Open lobby/ }))
    await screen.findByText('hello from bob', {}, { timeout: 2_000 })

    fireEvent.click(screen.getByRole('button', { name: 'Leave' }))
    fireEvent.click(screen.getByRole('button', { name: 'Leave for all tabs' }))
    await screen.findByText(/No rooms open/, {}, { timeout: 2_000 })
    // Typing in the popup's composer tells the room, once for the message.
    expect(calls).toEqual(['show 4', 'typing', `block ${BOB}`, `unblock ${BOB}`, 'leave'])
  })

  it('says so when the open room closed, and Escape goes back to the list', async () => {
    const { api } = fakePopupApi()
    const store = createPopupStore(api)
    render(<App store={store} />)
    fireEvent.click(await screen.findByRole('button', { name: /Open lobby/ }))
    await screen.findByText(/No messages yet/)
    // Keyboard users land in the composer.
    await waitFor(() =>
      expect(document.activeElement).toBe(screen.getByRole('textbox', { name: 'Message' })),
    )
    await api.leaveRoom({ space: 'dao', room: 'lobby' })
    await waitFor(
      () => expect(screen.getByRole('alert').textContent).toContain('No tab is in this room'),
      { timeout: 2_000 },
    )
    fireEvent.keyDown(screen.getByLabelText('Message'), { key: 'Escape' })
    await screen.findByText(/No rooms open/, {}, { timeout: 2_000 })
  })

  it('shows a private room with a lock, and copies its invite, asked for by its topic', async () => {
    const { api, calls } = fakePopupApi({ privateRoom: true })
    const copied = clipboardInto()
    render(<App store={createPopupStore(api)} />)
    const entry = await screen.findByRole('button', { name: 'Open private room lobby, 3 unread' })
    expect(entry.textContent).toContain('🔒')
    fireEvent.click(entry)
    await screen.findByText(/No messages yet/)
    expect(screen.getByRole('heading', { name: /lobby/ }).textContent).toContain('🔒')
    expect(screen.getByText(/dao · private room/)).toBeTruthy()
    fireEvent.click(screen.getByRole('button', { name: 'Copy invite' }))
    await screen.findByText(/Invite copied\. Whoever has it can read this room/)
    expect(copied).toEqual([INVITE])
    expect(calls).toContain(
      'invite 3box.chat.v2-private.z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp',
    )
    // A browser that refuses the clipboard: the popup says so, and what to try.
    Object.defineProperty(navigator, 'clipboard', {
      configurable: true,
      value: { writeText: async () => Promise.reject(new Error('denied')) },
    })
    fireEvent.click(screen.getByRole('button', { name: 'Copy invite' }))
    await screen.findByText(/did not let the popup copy; try again/)
  })

  it('a public room shows no lock and no invite to copy', async () => {
    const { api } = fakePopupApi()
    render(<App store={createPopupStore(api)} />)
    const entry = await screen.findByRole('button', { name: 'Open lobby, 3 unread' })
    expect(entry.textContent).not.toContain('🔒')
    fireEvent.click(entry)
    await screen.findByText(/No messages yet/)
    expect(screen.queryByRole('button', { name: 'Copy invite' })).toBeNull()
    expect(screen.queryByText(/private room/)).toBeNull()
  })

  it('keeps a private room when asked, and lists it under Settings with Copy invite and Forget', async () => {
    const { api, calls } = fakePopupApi({ privateRoom: true })
    const copied = clipboardInto()
    render(<App store={createPopupStore(api)} />)
    fireEvent.click(await screen.findByRole('button', { name: /Open private room lobby/ }))
    const keep = await screen.findByRole('button', { name: 'Keep' })
    expect(keep.getAttribute('aria-pressed')).toBe('false')
    fireEvent.click(keep)
    await screen.findByText(/Kept: its invite stays in Ghost Threads after you leave/)
    const kept = await screen.findByRole('button', { name: 'Kept ✓' })
    expect(kept.getAttribute('aria-pressed')).toBe('true')
    fireEvent.click(screen.getByRole('button', { name: 'Settings' }))
    const list = await screen.findByRole('list', { name: 'kept private rooms' })
    expect(list.textContent).toContain('lobby')
    fireEvent.click(screen.getByRole('button', { name: 'Copy the invite of lobby' }))
    await screen.findByText('Invite of lobby copied.')
    expect(copied).toEqual([INVITE])
    fireEvent.click(screen.getByRole('button', { name: 'Forget lobby' }))
    await screen.findByText(/No private room is kept/)
    expect(calls.filter((call) => call === 'keep' || call === 'forget')).toEqual(['keep', 'forget'])
  })
})
