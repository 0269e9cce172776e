/** @jest-environment jsdom */
import { describe, expect, it } from '@jest/globals'
import { fireEvent, render, screen, waitFor } from '@testing-library/preact'
import { App } from '../../src/popup/components/App.js'
import { PermissionList } from '../../src/popup/components/PermissionList.js'
import { RoomList } from '../../src/popup/components/RoomList.js'
import { StatusBar } from '../../src/popup/components/StatusBar.js'
import { createPopupStore, type PopupApi } from '../../src/popup/store.js'
import type { HostStatus } from '../../src/shared/messengers.js'
import { DEFAULT_SETTINGS } from '../../src/shared/settings.js'
import { PermissionPrompt } from '../../src/ui/PermissionPrompt.js'

const HOSTILE = '<img src=x onerror="window.pwned=1"><b>bold</b>'

function status(overrides: Partial<HostStatus> = {}): HostStatus {
  return {
    peerId: '12D3KooWtest',
    relays: [{ address: '/ip4/127.0.0.1/tcp/4040/ws', connected: true }],
    connections: 3,
    directPeers: 1,
    threads: [],
    ...overrides,
  }
}

describe('StatusBar', () => {
  it('shows relay, peers and direct peers when connected', () => {
    render(<StatusBar status={status()} />)
    expect(screen.getByRole('status').textContent).toContain('relay connected · 3 peers · 1 direct')
  })

  it('warns with a banner when no relay answers, and when the host does not', () => {
    const { unmount } = render(
      <StatusBar
        status={status({ relays: [{ address: '/ip4/1.2.3.4/tcp/1/ws', connected: false }] })}
      />,
    )
    expect(screen.getByRole('alert').textContent).toContain('No relay reachable (1 configured)')
    unmount()
    render(<StatusBar status={undefined} error="timed out" />)
    expect(screen.getByRole('alert').textContent).toContain('did not answer: timed out')
  })
})

describe('RoomList', () => {
  it('says when there are no rooms', () => {
    render(<RoomList rooms={[]} />)
    expect(screen.getByText(/No rooms open/)).toBeTruthy()
  })

  it('groups rooms by space with members, direct peers and the sites using them', () => {
    render(
      <RoomList
        rooms={[
          { space: 'dao', room: 'lobby', members: 4, direct: 2, owners: ['https://a.example'] },
          {
            space: 'game',
            room: 'chat',
            members: 1,
            direct: 0,
            owners: ['https://b.example', 'https://c.example'],
          },
          { space: 'dao', room: 'votes', members: 2, direct: 0, owners: ['https://a.example'] },
        ]}
      />,
    )
    const dao = screen.getByRole('region', { name: 'space dao' })
    expect(dao.textContent).toContain('lobby4 online · 2 directhttps://a.example')
    expect(dao.textContent).toContain('votes')
    expect(screen.getByRole('region', { name: 'space game' }).textContent).toContain(
      'https://b.example, https://c.example',
    )
  })

  it('shows a long list of rooms', () => {
    const rooms = Array.from({ length: 300 }, (_, i) => ({
      space: `s${i % 5}`,
      room: `room-${i}`,
      members: i,
      direct: 0,
      owners: ['https://a.example'],
    }))
    const { container } = render(<RoomList rooms={rooms} />)
    expect(container.querySelectorAll('li.room')).toHaveLength(300)
    expect(container.querySelectorAll('section')).toHaveLength(5)
  })

  it('renders hostile names as text, never as markup', () => {
    const { container } = render(
      <RoomList
        rooms={[{ space: 's', room: HOSTILE, members: 1, direct: 0, owners: [HOSTILE] }]}
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
    fireEvent.click(screen.getByRole('button', { name: 'Forget https://a.example in dao' }))
    expect(revoked).toEqual(['https://a.example dao'])
    expect(screen.getByText('denied')).toBeTruthy()
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
        details={{ origin: HOSTILE, space: 'dao', did: 'did:key:z6Mkexample' }}
        onDecide={(allow) => choices.push(allow)}
      />,
    )
    expect(container.querySelector('img')).toBeNull()
    expect(screen.getByTestId('origin').textContent).toBe(HOSTILE)
    fireEvent.click(screen.getByRole('button', { name: 'Deny' }))
    fireEvent.click(screen.getByRole('button', { name: 'Allow' }))
    expect(choices).toEqual([false, true])
  })

  it('says when the request expired', () => {
    render(<PermissionPrompt details={null} onDecide={() => {}} />)
    expect(screen.getByText('This request has expired')).toBeTruthy()
  })
})

describe('the popup over a fake router', () => {
  function fakeApi(): PopupApi & { saved: unknown[]; revoked: string[] } {
    const saved: unknown[] = []
    const revoked: string[] = []
    return {
      saved,
      revoked,
      status: async () => ({
        ok: true,
        result: status({
          threads: [
            { space: 'dao', room: 'lobby', members: 2, direct: 1, owners: ['https://a.example'] },
          ],
        }),
      }),
      permissions: async () => ({
        ok: true,
        result: [{ origin: 'https://a.example', space: 'dao', decision: 'allow', at: 1 }],
      }),
      revoke: async (origin, space) => {
        revoked.push(`${origin} ${space}`)
        return { ok: true, result: null }
      },
      settings: async () => ({ ok: true, result: DEFAULT_SETTINGS }),
      saveSettings: async (settings) => {
        if (settings.relays.some((relay) => !relay.startsWith('/')))
          return {
            ok: false,
            error: {
              name: 'InvalidArgumentError',
              code: -32602,
              message: 'relays.0: not a multiaddr',
            },
          }
        saved.push(settings)
        return { ok: true, result: settings }
      },
    }
  }

  it('lists rooms, switches to settings, saves relays and shows a refusal', async () => {
    const api = fakeApi()
    render(<App store={createPopupStore(api)} />)
    await waitFor(() => expect(screen.getByText('lobby')).toBeTruthy())
    fireEvent.click(screen.getByRole('button', { name: 'Settings' }))
    const relays = await screen.findByLabelText(/Relay addresses/)
    fireEvent.input(relays, { target: { value: 'not-a-multiaddr' } })
    fireEvent.click(screen.getByRole('button', { name: 'Save relays' }))
    await waitFor(() =>
      expect(screen.getByRole('alert').textContent).toBe('relays.0: not a multiaddr'),
    )
    expect(api.saved).toEqual([])
    fireEvent.input(relays, { target: { value: '/dns4/relay.example.com/tcp/443/wss\n' } })
    fireEvent.click(screen.getByRole('button', { name: 'Save relays' }))
    await waitFor(() => expect(screen.getByText('Saved and applied.')).toBeTruthy())
    expect(api.saved).toEqual([
      { ...DEFAULT_SETTINGS, relays: ['/dns4/relay.example.com/tcp/443/wss'] },
    ])
    fireEvent.click(screen.getByRole('button', { name: 'Forget https://a.example in dao' }))
    await waitFor(() => expect(api.revoked).toEqual(['https://a.example dao']))
  })
})
