/**
 * Wallet links: a member's DID in one space, vouched for by an Ethereum account. The
 * account signs (EIP-191 `personal_sign`) a Sign-In with Ethereum message (EIP-4361)
 * naming the dapp's origin as domain, a chain id, a nonce, issued-at and expiration, and
 * among its Resources the DID and the space. The link travels in `join` and `presence`
 * (`link`), and every receiver checks it here: the signature recovers the address, the
 * DID and space are the message's, and it has not expired. The site and chain it was made
 * on travel with the account (`linkedOn`): a room is shared by every site the user allowed
 * in its space, so each page's view shows the account only where the link was made for
 * that page's site (linkHoldsFor, applied per page by the host). Contract wallets
 * (EIP-1271) would need a chain RPC this project does not have, and are refused. viem's
 * EIP-4361 helpers compose and parse the text (small and tree-shaken: the `siwe`
 * package's grammar parser tripled the extension's bundles); ethers, which the extension
 * carries for the recovery phrase anyway, recovers the signer (EIP-191).
 */

import { verifyMessage } from 'ethers'
import QuickLRU from 'quick-lru'
import { createSiweMessage, parseSiweMessage } from 'viem/siwe'
import { getAddress } from 'viem/utils'
import { WalletLinkError } from './errors.js'
import type { WalletLink } from './schema.js'

export type { WalletLink } from './schema.js'

/** The Resources that bind a link to one DID in one space. */
export function linkResources(did: string, space: string): string[] {
  return [did, `ghost-threads:space:${space}`]
}

export interface LinkRequest {
  /** The dapp's origin as SIWE wants it: its host (`dapp.example`, `127.0.0.1:8080`). */
  domain: string
  /** The page's origin (`https://dapp.example`). */
  uri: string
  address: string
  chainId: number
  did: string
  space: string
  nonce: string
  issuedAt: Date
  expirationTime: Date
}

/** The EIP-4361 text a wallet signs to link `did` in `space` to `address`. */
export function composeLinkMessage(request: LinkRequest): string {
  return createSiweMessage({
    domain: request.domain,
    // EIP-4361 wants the EIP-55 checksummed form; wallets often answer lowercase.
    address: getAddress(request.address),
    statement: `Link this account to my Ghost Threads identity in the space ${request.space}.`,
    uri: request.uri,
    version: '1',
    chainId: request.chainId,
    nonce: request.nonce,
    issuedAt: request.issuedAt,
    expirationTime: request.expirationTime,
    resources: linkResources(request.did, request.space),
  })
}

/**
 * A fresh link message for `did` in `space`, made on `origin` (its host is the domain), with
 * a random nonce, valid from `nowMs` for `validDays`: what the extension, the in-page host
 * and the terminal peer each have a wallet sign.
 */
export function newLinkMessage(request: {
  origin: string
  address: string
  chainId: number
  did: string
  space: string
  nowMs: number
  validDays: number
}): string {
  const { origin, nowMs, validDays, ...rest } = request
  const domain = siteOf(origin)
  if (domain === undefined)
    throw new WalletLinkError(
      `A wallet link names the site it is made on, and this page has none (its origin is ${origin}); serve it over http or https`,
    )
  return composeLinkMessage({
    ...rest,
    domain,
    uri: origin,
    nonce: globalThis.crypto.randomUUID().replaceAll('-', ''),
    issuedAt: new Date(nowMs),
    expirationTime: new Date(nowMs + validDays * 24 * 3_600_000),
  })
}

/**
 * The site an origin is, as a link's domain names it (`dapp.example`, `127.0.0.1:8080`);
 * undefined for an origin that is no site (`null`: a file or sandboxed page).
 */
export function siteOf(origin: string): string | undefined {
  try {
    const url = new URL(origin)
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.host : undefined
  } catch {
    return undefined
  }
}

export type LinkRefusal = 'malformed-link' | 'bad-link-signature' | 'link-mismatch' | 'link-expired'

import type { LinkScope } from './link-scope.js'

export type { LinkScope }

/** The account a verified link names (checksummed), and where the link was made. */
export interface LinkedAccount {
  address: string
  linkedOn: LinkScope
}

/**
 * Whether an account linked on `linkedOn` counts for a viewer on `domain` (and `chainId`,
 * when the viewer names one). A link holds for the site its wallet signed it for only: a
 * signature one site obtained must not make its DID show that account on another site.
 */
export function linkHoldsFor(
  linkedOn: LinkScope,
  viewer: { domain: string; chainId?: number | undefined },
): boolean {
  return (
    linkedOn.domain === viewer.domain &&
    (viewer.chainId === undefined || linkedOn.chainId === viewer.chainId)
  )
}

/** The account a link's message names (checksummed), without checking it: for display. */
export function linkedAddressOf(link: WalletLink): string | undefined {
  try {
    const { address } = parseSiweMessage(link.message)
    return address === undefined ? undefined : getAddress(address)
  } catch {
    return undefined
  }
}

export type LinkCheck =
  | { ok: true; account: LinkedAccount; expiresAtMs: number }
  | { ok: false; reason: LinkRefusal; detail: string }

/** A link's signature verdict, with what each use checks against its own DID, space and time. */
interface SignedLink {
  check: LinkCheck
  resources: readonly string[]
  issuedAtMs: number
}

/**
 * Checks links, remembering each one parsed and its signature verdict: a member repeats
 * its link in every presence, and every receiver and relay checks each of those.
 */
export class LinkVerifier {
  private readonly verified = new QuickLRU<string, SignedLink>({ maxSize: 10_000 })

  /** Whether `link` was checked before (its verdict is cached: checking it again is cheap). */
  has(link: WalletLink): boolean {
    return this.verified.has(`${link.signature}|${link.message}`)
  }

  /** Whether `link` binds `did` in `space` to the address it names, at `nowMs`. */
  async check(
    link: WalletLink,
    expected: { did: string; space: string; nowMs: number },
  ): Promise<LinkCheck> {
    const key = `${link.signature}|${link.message}`
    let signed = this.verified.get(key)
    if (signed === undefined) {
      signed = await verifySignature(link)
      this.verified.set(key, signed)
    }
    const { check, resources, issuedAtMs } = signed
    if (!check.ok) return check
    const [did, space] = linkResources(expected.did, expected.space)
    if (!resources.includes(did as string) || !resources.includes(space as string))
      return refusal('link-mismatch', 'the link names another DID or space')
    if (!(check.expiresAtMs > expected.nowMs) || !(issuedAtMs <= expected.nowMs + 60_000))
      return refusal('link-expired', `valid until ${new Date(check.expiresAtMs).toISOString()}`)
    return check
  }
}

async function verifySignature(link: WalletLink): Promise<SignedLink> {
  const message = parseSiweMessage(link.message)
  return {
    check: await signatureCheck(link, message),
    resources: message.resources ?? [],
    issuedAtMs: message.issuedAt?.getTime() ?? Number.NaN,
  }
}

async function signatureCheck(
  link: WalletLink,
  message: ReturnType<typeof parseSiweMessage>,
): Promise<LinkCheck> {
  const { address, domain, chainId, expirationTime } = message
  if (
    address === undefined ||
    domain === undefined ||
    chainId === undefined ||
    message.version !== '1'
  )
    return refusal('malformed-link', 'not an EIP-4361 message')
  if (expirationTime === undefined) return refusal('malformed-link', 'the link never expires')
  // No chain: an account's own signature only (EIP-1271 contract wallets need one).
  let signer: string | undefined
  try {
    signer = verifyMessage(link.message, link.signature)
  } catch {
    signer = undefined
  }
  if (signer === undefined || signer.toLowerCase() !== address.toLowerCase())
    return refusal('bad-link-signature', `not signed by ${address}`)
  return {
    ok: true,
    account: { address: getAddress(address), linkedOn: { domain, chainId } },
    expiresAtMs: expirationTime.getTime(),
  }
}

function refusal(reason: LinkRefusal, detail: string): LinkCheck {
  return { ok: false, reason, detail }
}
