/**
 * ENS names through the page's own wallet (web/ens-names.ts), against a fake EIP-1193
 * wallet that answers the Universal Resolver's two calls by selector (the browser test
 * does the same in real Chromium): a name shows only when it resolves back to the
 * account, only on mainnet, only in plain ASCII; answers and misses are cached.
 */
import { describe, expect, it } from '@jest/globals'
import {
  encodeAbiParameters,
  encodeFunctionResult,
  parseAbi,
  toFunctionSelector,
  zeroAddress,
} from 'viem'
import { ENS_MISS_KEPT_MS, ENS_NAME_KEPT_MS } from '../../src/web/constants.js'
import { type Eip1193Provider, EnsNames } from '../../src/web/ens-names.js'

const ACCOUNT = '0x9D21Fb2781857480B2bfDBe39d7434AbE1561Bf2'
const OTHER = '0x1111111111111111111111111111111111111111'
const RESOLVER = '0x231b0Ee14048e9dCcD1d247744d114a4EB5E8E63'
const reverse = parseAbi([
  'function reverseWithGateways(bytes reverseName, uint256 coinType, string[] gateways) view returns (string, address, address)',
])
const resolve = parseAbi([
  'function resolveWithGateways(bytes name, bytes data, string[] gateways) view returns (bytes, address)',
])

/** A wallet whose ENS names the account `name`, which resolves to `resolvesTo`. */
function wallet(init: { name: string; resolvesTo: string; chainId?: string }) {
  const calls: string[] = []
  const provider: Eip1193Provider = {
    request: async ({ method, params }) => {
      calls.push(method)
      if (method === 'eth_chainId') return init.chainId ?? '0x1'
      const data = String((params as [{ data?: string }])[0]?.data ?? '')
      if (data.startsWith(toFunctionSelector(reverse[0])))
        return encodeFunctionResult({
          abi: reverse,
          functionName: 'reverseWithGateways',
          result: [init.name, RESOLVER, RESOLVER],
        })
      if (data.startsWith(toFunctionSelector(resolve[0])))
        return encodeFunctionResult({
          abi: resolve,
          functionName: 'resolveWithGateways',
          result: [
            encodeAbiParameters([{ type: 'address' }], [init.resolvesTo as `0x${string}`]),
            RESOLVER,
          ],
        })
      throw Object.assign(new Error(`not in this wallet: ${method}`), { code: 4200 })
    },
  }
  return { provider, calls }
}

describe('ENS names through the page’s own wallet', () => {
  it('names an account whose primary name resolves back to it, asking the wallet once', async () => {
    const { provider, calls } = wallet({ name: 'alice.eth', resolvesTo: ACCOUNT })
    const names = new EnsNames(provider)
    expect(await names.nameOf(ACCOUNT)).toBe('alice.eth')
    expect(await names.nameOf(ACCOUNT.toLowerCase())).toBe('alice.eth')
    expect(calls.filter((method) => method === 'eth_call')).toHaveLength(2)
  })

  it('shows no name that resolves to another account (a name anyone can set as their primary)', async () => {
    const { provider } = wallet({ name: 'vitalik.eth', resolvesTo: OTHER })
    expect(await new EnsNames(provider).nameOf(ACCOUNT)).toBeUndefined()
  })

  it('shows no name off mainnet, and asks nothing but the chain', async () => {
    const { provider, calls } = wallet({ name: 'alice.eth', resolvesTo: ACCOUNT, chainId: '0x89' })
    expect(await new EnsNames(provider).nameOf(ACCOUNT)).toBeUndefined()
    expect(calls).toEqual(['eth_chainId'])
  })

  it('shows no name outside plain ASCII: a lookalike in another script never passes', async () => {
    for (const name of ['аlice.eth', 'ALICE.eth', 'al ice.eth', 'alice.eth\u200d', '-alice.eth']) {
      const { provider } = wallet({ name, resolvesTo: ACCOUNT })
      expect([name, await new EnsNames(provider).nameOf(ACCOUNT)]).toEqual([name, undefined])
    }
  })

  it('asks nothing for what is not an account, and survives a wallet that fails', async () => {
    const { provider, calls } = wallet({ name: 'alice.eth', resolvesTo: ACCOUNT })
    const names = new EnsNames(provider)
    expect(await names.nameOf('not an address')).toBeUndefined()
    expect(calls).toEqual([])
    const failing: Eip1193Provider = { request: async () => Promise.reject(new Error('locked')) }
    expect(await new EnsNames(failing).nameOf(ACCOUNT)).toBeUndefined()
  })

  it('keeps a name an hour and a miss ten minutes, then asks again', async () => {
    let nowMs = 1_000_000
    const { provider, calls } = wallet({ name: '', resolvesTo: zeroAddress })
    const names = new EnsNames(provider, () => nowMs)
    expect(await names.nameOf(ACCOUNT)).toBeUndefined()
    const asked = calls.length
    nowMs += ENS_MISS_KEPT_MS - 1
    await names.nameOf(ACCOUNT)
    expect(calls.length).toBe(asked)
    nowMs += 2
    await names.nameOf(ACCOUNT)
    expect(calls.length).toBeGreaterThan(asked)
    const found = wallet({ name: 'alice.eth', resolvesTo: ACCOUNT })
    const kept = new EnsNames(found.provider, () => nowMs)
    expect(await kept.nameOf(ACCOUNT)).toBe('alice.eth')
    const before = found.calls.length
    nowMs += ENS_NAME_KEPT_MS - 1
    expect(await kept.nameOf(ACCOUNT)).toBe('alice.eth')
    expect(found.calls.length).toBe(before)
  })
})
