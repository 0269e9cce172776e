/**
 * The terminal peer's wallet (`--wallet-key FILE`): an Ethereum private key in a file
 * (mode 0600, created if missing, like `--identity`), which links the peer's DID in its
 * space with a signed EIP-4361 message. Only the key is written, never the link or a
 * message.
 */

import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { Wallet } from 'ethers'
import { WalletLinkError } from '../core/errors.js'
import { newLinkMessage, type WalletLink } from '../core/index.js'
import { TERMINAL_LINK_DAYS } from './constants.js'

/** A terminal without `--origin` has no site: its links name this one. */
export const TERMINAL_LINK_ORIGIN = 'http://localhost'

export async function loadOrCreateWallet(path: string): Promise<Wallet> {
  let text: string | undefined
  try {
    text = (await readFile(path, 'utf8')).trim()
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
  }
  if (text === undefined) {
    const created = Wallet.createRandom()
    await mkdir(dirname(path), { recursive: true })
    await writeFile(path, `${created.privateKey}\n`, { mode: 0o600, flag: 'wx' })
    return new Wallet(created.privateKey)
  }
  try {
    return new Wallet(text)
  } catch {
    throw new WalletLinkError(
      `${path} does not hold an Ethereum private key (0x and 64 hex digits); move it away to create a new wallet`,
    )
  }
}

/** A link of `did` in `space` to the wallet's account, made for `origin`, signed now. */
export async function linkFor(
  wallet: Pick<Wallet, 'address' | 'signMessage'>,
  did: string,
  space: string,
  origin = TERMINAL_LINK_ORIGIN,
): Promise<WalletLink> {
  const message = newLinkMessage({
    origin,
    address: wallet.address,
    chainId: 1,
    did,
    space,
    nowMs: Date.now(),
    validDays: TERMINAL_LINK_DAYS,
  })
  return { message, signature: await wallet.signMessage(message) }
}
