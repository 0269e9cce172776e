/**
 * The widget's store over a fake provider (unit): what it asks of Ghost Threads for a
 * private room's invite, and what it says of a broken one. The real path is
 * test/e2e/widget.test.ts (two browsers in a private room through <ghost-chat invite>).
 */
import { describe, expect, it, jest } from '@jest/globals'
import { encodeDidKey } from '../../src/core/did-key.js'
import { newInvite } from '../../src/core/private-room.js'
import { createChatStore } from '../../src/widget/chat-store.js'
import { BROKEN_INVITE_WORDS } from '../../src/widget/widget-words.js'

const CREATOR = encodeDidKey('EdDSA', new Uint8Array(32).fill(3))

/** A provider whose space records the joins asked of it and whose rooms never speak. */
function fakeProvider() {
  const joins: unknown[][] = []
  const thread = {
    on: () => undefined,
    listMembersWithAddresses: async () => [],
    close: async () => true,
  }
  const provider = {
    on: () => undefined,
    status: async () => ({ state: 'online' as const, rooms: [] }),
    openSpace: async () => ({
      did: CREATOR,
      joinThread: async (...args: unknown[]) => {
        joins.push(args)
        return thread
      },
    }),
  }
  return { provider, joins }
}

describe("the widget's store in a private room", () => {
  it('joins the room of its invite, and says the room is private', async () => {
    const { provider, joins } = fakeProvider()
    const invite = newInvite(CREATOR)
    const store = createChatStore({
      space: 'my-dapp',
      room: 'secret',
      invite,
      provider: async () => provider as never,
    })
    expect(store.isPrivate).toBe(true)
    await store.start()
    await store.join()
    expect(joins).toEqual([['secret', { ghost: true, invite }]])
    expect(store.phase.value.name).toBe('joined')
  })

  it('joins a public room without an invite', async () => {
    const { provider, joins } = fakeProvider()
    const store = createChatStore({
      space: 'my-dapp',
      room: 'lobby',
      provider: async () => provider as never,
    })
    expect(store.isPrivate).toBe(false)
    await store.start()
    await store.join()
    expect(joins).toEqual([['lobby', { ghost: true }]])
  })

  it('says a broken invite in plain words and asks nothing of Ghost Threads', async () => {
    const connect = jest.fn(async () => fakeProvider().provider as never)
    for (const invite of ['', 'not-an-invite', `${newInvite(CREATOR)}x`]) {
      const store = createChatStore({ space: 'my-dapp', room: 'secret', invite, provider: connect })
      await store.start()
      expect(store.phase.value).toEqual({ name: 'failed', message: BROKEN_INVITE_WORDS })
      await store.join()
      expect(store.phase.value.name).toBe('failed')
    }
    expect(connect).not.toHaveBeenCalled()
  })
})
