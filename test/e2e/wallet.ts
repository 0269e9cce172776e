/**
 * An EIP-1193 wallet for a page under test: `window.ethereum` backed by a real ethers
 * Wallet in the test process (reached through a page binding; no network), and the
 * page-side steps of linking a space to it.
 */

import { expect } from '@jest/globals'
import type { Wallet } from 'ethers'
import type { PromptSeen } from '../../tools/extension-browser.js'
import type { EvaluatingPage } from '../../tools/firefox-browser.js'
import { waitFor } from '../helpers/wait.js'

/** A page driver in either browser: Playwright's page, or puppeteer's mirroring it. */
type Driver = { page: EvaluatingPage }

/**
 * Gives the page `window.ethereum`, signing with `wallet` here; `decline` rejects signing
 * (4001). Resolves to the signatures it gives, as they are given (for the disk scans).
 */
export async function giveWallet(
  driver: Driver,
  wallet: Pick<Wallet, 'address' | 'signMessage'>,
  decline = false,
): Promise<string[]> {
  const signatures: string[] = []
  await driver.page.exposeFunction('__walletRequest', async (method: string, params: unknown[]) => {
    if (method === 'eth_requestAccounts') return [wallet.address.toLowerCase()]
    if (method === 'eth_chainId') return '0x1'
    if (method === 'personal_sign') {
      const signature = await wallet.signMessage(Buffer.from((params[0] as string).slice(2), 'hex'))
      signatures.push(signature)
      return signature
    }
    throw new Error(`unsupported ${method}`)
  })
  await driver.page.evaluate((declines) => {
    const w = window as unknown as {
      ethereum: unknown
      __walletRequest(m: string, p: unknown[]): Promise<unknown>
    }
    w.ethereum = {
      request: async ({ method, params = [] }: { method: string; params?: unknown[] }) => {
        if (declines && method === 'personal_sign')
          throw Object.assign(new Error('User rejected the request.'), { code: 4001 })
        return w.__walletRequest(method, params)
      },
    }
  }, decline)
  return signatures
}

/** How an account and its signatures could be written: each as given, and bare lowercase hex. */
export function walletTraces(address: string, signatures: string[]): string[] {
  return [address, ...signatures].flatMap((hex) => [
    hex,
    hex.toLowerCase(),
    hex.slice(2).toLowerCase(),
  ])
}

/** Starts space.linkWallet() in the page (a prompt opens meanwhile); the outcome later. */
export function startLinking(driver: Driver) {
  return driver.page.evaluate(() => {
    const w = window as unknown as {
      __space: { linkWallet(): Promise<string> }
      __linking: Promise<unknown>
    }
    w.__linking = w.__space.linkWallet().then(
      (address) => ({ address }),
      (err: { name: string; code: number; message: string }) => ({
        name: err.name,
        code: err.code,
        message: err.message,
      }),
    )
  })
}

export const linkingOutcome = (driver: Driver) =>
  driver.page.evaluate(() => (window as unknown as { __linking: Promise<unknown> }).__linking)

export const membersSeenBy = (driver: Driver) =>
  driver.page.evaluate(() =>
    (
      window as unknown as {
        __thread: { listMembersWithAddresses(): Promise<{ did: string; address?: string }[]> }
      }
    ).__thread.listMembersWithAddresses(),
  )

/** What linking through the extension needs of a page driver, in Chromium or Firefox. */
type LinkingDriver = Driver & {
  browser: {
    answerPrompt(
      allow: boolean,
      action: () => Promise<unknown>,
    ): Promise<Pick<PromptSeen, 'did' | 'linkAddress'>>
  }
  post(message: unknown): Promise<unknown>
  waitForMessage(text: unknown): Promise<unknown>
}

/**
 * `linker` (in the space as `linkerDid`) links its space to `wallet` through its page's
 * wallet and the extension's prompt, which must show the account and the DID; `viewer`
 * then sees the account beside that DID and on `signedText`, which `linker` posts.
 * Resolves to the signatures the wallet gave, for the disk scans.
 */
export async function linkThroughPrompt(
  linker: LinkingDriver,
  viewer: LinkingDriver,
  wallet: Pick<Wallet, 'address' | 'signMessage'>,
  linkerDid: string,
  signedText: string,
): Promise<string[]> {
  const signatures = await giveWallet(linker, wallet)
  const prompt = await linker.browser.answerPrompt(true, () => startLinking(linker))
  expect(prompt.linkAddress?.toLowerCase()).toBe(wallet.address.toLowerCase())
  expect(prompt.did).toBe(linkerDid)
  expect(await linkingOutcome(linker)).toEqual({ address: wallet.address })
  await seesAccount(viewer, linkerDid, wallet.address)
  await linker.post(signedText)
  await viewer.waitForMessage(signedText)
  const posts = (await viewer.page.evaluate(() =>
    (
      window as unknown as {
        __thread: { getPosts(): Promise<{ message: unknown; address?: string }[]> }
      }
    ).__thread.getPosts(),
  )) as { message: unknown; address?: string }[]
  expect(posts.find((p) => p.message === signedText)?.address).toBe(wallet.address)
  return signatures
}

/** Until `viewer` lists `did` with `address`. */
export function seesAccount(viewer: Driver, did: string, address: string): Promise<void> {
  return waitFor(
    async () => (await membersSeenBy(viewer)).some((m) => m.did === did && m.address === address),
    { timeoutMs: 10_000, what: `${did} listed with ${address}` },
  )
}

/**
 * The in-page host links `linker` (in the space as `did`) to `wallet` without a prompt,
 * and `viewer` sees the account. Resolves to the signatures the wallet gave.
 */
export async function linkWithoutPrompt(
  linker: Driver,
  viewer: Driver,
  wallet: Pick<Wallet, 'address' | 'signMessage'>,
  did: string,
): Promise<string[]> {
  const signatures = await giveWallet(linker, wallet)
  await startLinking(linker)
  expect(await linkingOutcome(linker)).toEqual({ address: wallet.address })
  await seesAccount(viewer, did, wallet.address)
  return signatures
}
