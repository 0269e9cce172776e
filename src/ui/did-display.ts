/**
 * How a DID (and the account it is linked to) looks in the popup: a short form a person
 * can compare, and a colour and two letters derived from the whole DID, so one author
 * looks the same in every room and every session, and two authors rarely alike. Nothing
 * here is secret: DIDs and linked accounts are public.
 */

/** `did:key:z6Mkabcd…wxyz`: the key type prefix, then the first and last four. */
export function shortDid(did: string): string {
  const id = did.startsWith('did:key:') ? did.slice('did:key:'.length) : did
  return id.length <= 16 ? id : `${id.slice(0, 8)}…${id.slice(-4)}`
}

/** FNV-1a over the DID's characters: stable, spread, and enough for a colour. */
function hashOf(text: string): number {
  let hash = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193) >>> 0
  }
  return hash
}

/** A hue from the DID, at a saturation and lightness that read in light and dark themes. */
export function colourOf(did: string): string {
  return `hsl(${hashOf(did) % 360} 65% 38%)`
}

/** Two letters from the end of the DID (its start is the same for every Ed25519 key). */
export function initialsOf(did: string): string {
  return did.slice(-2).toUpperCase()
}

/** 0x1234…abcd: the checksummed address, shortened for lists (full on hover). */
export function shortAddress(address: string): string {
  return `${address.slice(0, 6)}…${address.slice(-4)}`
}
