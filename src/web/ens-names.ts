/**
 * Names people know (issue 24): the primary ENS name of a linked account, resolved by the
 * viewer's own page through that page's own EIP-1193 provider (its wallet), never through
 * a third-party RPC, so nobody learns who looks at whom. A name counts only when it
 * resolves back to the account (the forward check). A name is a display hint, never
 * a basis for trust: the DID and the verified wallet link are what a room trusts.
 *
 * Only names of lowercase ASCII letters, digits and hyphens are shown: a name that looks
 * like another (a Cyrillic "а" for a Latin "a", an invisible joiner) must not pass for
 * it, and ENS's full normalisation (UTS-46 with its confusable tables) would cost every
 * page ~100 KiB; a name outside that set shows as the short account, as with no name.
 */
const PLAIN_NAME = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/

import { createClient, custom, getAddress, isAddress } from 'viem'
import { mainnet } from 'viem/chains'
import { getEnsAddress, getEnsName } from 'viem/ens'
import { ENS_MISS_KEPT_MS, ENS_NAME_KEPT_MS, ENS_NAMES_KEPT } from './constants.js'

/** What the page's wallet offers (EIP-1193): calls only, never a signature. */
export interface Eip1193Provider {
  request(args: { method: string; params?: unknown[] | object }): Promise<unknown>
}

export class EnsNames {
  private readonly answers = new Map<
    string,
    { name: Promise<string | undefined>; untilMs: number }
  >()
  private readonly client

  constructor(
    private readonly provider: Eip1193Provider,
    private readonly now: () => number = Date.now,
  ) {
    this.client = createClient({ chain: mainnet, transport: custom(provider) })
  }

  /** The account's primary name, checked both ways, or undefined; asked once per account per hour. */
  nameOf(address: string): Promise<string | undefined> {
    if (!isAddress(address, { strict: false })) return Promise.resolve(undefined)
    const key = address.toLowerCase()
    const held = this.answers.get(key)
    if (held !== undefined && held.untilMs > this.now()) return held.name
    const name = this.lookUp(getAddress(address)).catch(() => undefined)
    this.answers.delete(key)
    this.answers.set(key, { name, untilMs: this.now() + ENS_MISS_KEPT_MS })
    void name.then((found) => {
      if (found !== undefined)
        this.answers.set(key, { name, untilMs: this.now() + ENS_NAME_KEPT_MS })
    })
    for (const oldest of this.answers.keys()) {
      if (this.answers.size <= ENS_NAMES_KEPT) break
      this.answers.delete(oldest)
    }
    return name
  }

  private async lookUp(address: `0x${string}`): Promise<string | undefined> {
    // ENS lives on mainnet: a wallet on another chain would answer another chain's contracts.
    const chainId = await this.provider.request({ method: 'eth_chainId' })
    if (typeof chainId !== 'string' || Number.parseInt(chainId, 16) !== mainnet.id) return undefined
    const name = await getEnsName(this.client, { address })
    if (name === null || name.length > 255 || !PLAIN_NAME.test(name)) return undefined
    const back = await getEnsAddress(this.client, { name })
    return back !== null && back.toLowerCase() === address.toLowerCase() ? name : undefined
  }
}
