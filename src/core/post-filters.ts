import { InvalidArgumentError } from './errors.js'
import type { Post } from './post.js'

/**
 * Returns true to keep a post. Runs on live posts, direct messages and backlog entries.
 * The author comes again as the second argument, where 3box-js's `ghostFilters` read the
 * issuer (they were called `(payload, issuer, from)`; the peer id is not ours to give).
 */
export type PostFilter = (post: Post, author: string) => boolean

/**
 * 3IP-9 "Client Side Filters": any number of filters, all of which must keep a post.
 * 3box never ran them on backlog entries; here every way in passes through `pass`.
 */
export class PostFilters {
  private readonly filters = new Set<PostFilter>()

  /** Adds a filter; returns the function that removes it again. */
  add(filter: PostFilter): () => boolean {
    if (typeof filter !== 'function')
      throw new InvalidArgumentError('addFilter takes a function (post) => boolean')
    this.filters.add(filter)
    return () => this.remove(filter)
  }

  remove(filter: PostFilter): boolean {
    return this.filters.delete(filter)
  }

  pass(post: Post): boolean {
    for (const filter of this.filters) {
      try {
        if (!filter(post, post.author)) return false
      } catch {
        return false // a broken filter hides rather than lets through: filters are moderation
      }
    }
    return true
  }
}
