/**
 * What an invite looks like, checked without decoding it: pages check a join's options
 * before anything crosses to the extension, and the page's script carries no crypto.
 * private-room.ts decodes it.
 */
import { INVITE_BYTES } from './constants.js'
import { InvalidArgumentError } from './errors.js'

/**
 * The secret and the creator's key, 64 bytes, in base64url without padding: 86
 * characters, the last one carrying 4 bits that must be zero.
 */
export const INVITE_PATTERN = /^[A-Za-z0-9_-]{85}[AQgw]$/

/** Undefined for an invite; otherwise what an invite is, in words a caller can act on. */
export function inviteProblem(invite: unknown): string | undefined {
  if (typeof invite === 'string' && INVITE_PATTERN.test(invite)) return undefined
  return `An invite is a private room's ${INVITE_BYTES}-byte secret and creator key in base64url (${Math.ceil((INVITE_BYTES * 4) / 3)} characters, from the invite link after #); ask whoever invited you for the link again`
}

/** What rotateInvite takes: the members (DIDs) not to keep. */
export interface RotateOptions {
  remove?: string[]
}

/**
 * rotateInvite's options, checked where the call is made (the page and the engine): an
 * unknown option is refused, not ignored, and `remove` must be a list of DIDs.
 */
export function assertRotateOptions(options: unknown): asserts options is RotateOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options))
    throw new InvalidArgumentError('rotateInvite(options) takes an object: { remove: [DIDs] }')
  const unknown = Object.keys(options).filter((key) => key !== 'remove')
  if (unknown.length > 0)
    throw new InvalidArgumentError(
      `rotateInvite does not take ${unknown.join(', ')}: its only option is remove, the DIDs not to keep`,
    )
  const { remove } = options as RotateOptions
  const notDid = (did: unknown) => typeof did !== 'string' || !did.startsWith('did:key:')
  if (remove !== undefined && (!Array.isArray(remove) || remove.some(notDid)))
    throw new InvalidArgumentError(
      'rotateInvite option remove must be a list of member DIDs (did:key:…), as listMembers() gives them',
    )
}
