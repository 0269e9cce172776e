import * as dagCbor from '@ipld/dag-cbor'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import type { JsonValue } from './json-value.js'
import type { LinkScope } from './link-scope.js'
import type { ChatClaims } from './schema.js'

/**
 * What a dapp sees of a chat message: the shape of 3box threads, so 3box-era apps port
 * easily. `timestamp` is the JWT's `iat` in seconds, as 3box had it.
 */
export interface Post {
  type: 'chat'
  author: string
  message: JsonValue
  timestamp: number
  /** CIDv1 (dag-cbor, sha2-256, base32) of the JWT string: the same post has the same id everywhere. */
  postId: string
  /** Set on direct messages: the DID it was sent to. */
  to?: string
  /**
   * The account the author's wallet link names (checksummed), when it verified. A page
   * sees it only when the link was made on its own site (and chain, if it named one).
   */
  address?: string
  /** Where that link was made: its site (EIP-4361 domain) and chain. */
  linkedOn?: LinkScope
}

export async function postIdOf(jwt: string): Promise<string> {
  const bytes = dagCbor.encode(jwt)
  return CID.create(1, dagCbor.code, await sha256.digest(bytes)).toString()
}

/** @internal the engine makes posts of JWTs it checked. */
export async function toPost(jwt: string, claims: ChatClaims): Promise<Post> {
  const post: Post = {
    type: 'chat',
    author: claims.iss,
    message: claims.message,
    timestamp: claims.iat,
    postId: await postIdOf(jwt),
  }
  if (claims.to !== undefined) post.to = claims.to
  return post
}

/**
 * Oldest first. `iat` has whole seconds, so posts of one second compare equal and keep
 * the order they arrived in (callers sort stably): the author's order for live posts, the
 * answering peer's order for backlog entries.
 */
export function comparePosts(a: Post, b: Post): number {
  return a.timestamp - b.timestamp
}
