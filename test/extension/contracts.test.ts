import { describe, expect, it } from '@jest/globals'
import { PermissionStore } from '../../src/background/permissions.js'
import { PromptBroker } from '../../src/background/prompt-broker.js'
import { Router } from '../../src/background/router.js'
import { ContentGate, contentHandlers } from '../../src/content/gate.js'
import { GhostHost } from '../../src/host/ghost-host.js'
import { hostEndpoint, hostHandlers } from '../../src/host/host-handlers.js'
import { DAPP_METHOD_NAMES, DAPP_METHODS } from '../../src/shared/dapp-methods.js'
import { PROTOCOL_MESSAGES } from '../../src/shared/messengers.js'
import { DEFAULT_SETTINGS } from '../../src/shared/settings.js'
import { EXTENSION_BASE, EXTENSION_ID, FakeHost, FakeWindows, memoryStore } from './fakes.js'

/** The handler maps each context registers, built as the contexts build them. */
function handlerNames(): Record<'router' | 'host' | 'content', string[]> {
  const router = new Router({
    host: new FakeHost(),
    permissions: new PermissionStore(memoryStore()),
    prompts: new PromptBroker(new FakeWindows(), (path) => path),
    settings: async () => DEFAULT_SETTINGS,
    saveSettings: async () => undefined,
    sendToPage: async () => true,
    showTab: async () => undefined,
    extensionId: EXTENSION_ID,
    extensionBase: EXTENSION_BASE,
  })
  const host = new GhostHost({
    identity: { signerForSpace: () => Promise.reject(new Error('unused')) },
    network: new Promise(() => {}),
    deliver: async () => true,
  })
  const gate = new ContentGate({
    window: {},
    origin: 'https://a.example',
    postToPage: () => {},
    callRouter: async () => ({ ok: true, result: null }),
  })
  return {
    router: Object.keys(router.handlers),
    host: Object.keys(hostHandlers(hostEndpoint(host), () => true)),
    content: Object.keys(contentHandlers(gate)),
  }
}

describe('the typed contracts between contexts', () => {
  it('every message of every protocol has exactly one handling context', () => {
    const handled = Object.values(handlerNames()).flat()
    const declared = Object.values(PROTOCOL_MESSAGES).flat()
    expect([...handled].sort()).toEqual([...declared].sort())
    expect(new Set(handled).size).toBe(handled.length)
  })

  it('pages reach the router, the router reaches the host; the host is reached only by the router', () => {
    const names = handlerNames()
    expect(names.content).toEqual(['page:events'])
    expect(names.router.filter((name) => name.startsWith('host:'))).toEqual([])
    expect(names.host.every((name) => name.startsWith('host:'))).toBe(true)
  })

  it('every dapp method has a params schema that refuses unknown fields', () => {
    expect(DAPP_METHOD_NAMES).toEqual([
      'openSpace',
      'joinThread',
      'post',
      'getPosts',
      'listMembers',
      'requestBacklog',
      'closeThread',
      'listMembersWithAddresses',
      'typing',
      'react',
      'memberCount',
      'rotateInvite',
      'prepareLink',
      'completeLink',
      'unlinkWallet',
    ])
    for (const method of DAPP_METHOD_NAMES)
      expect(DAPP_METHODS[method].safeParse({ unexpected: true }).success).toBe(false)
  })
})
