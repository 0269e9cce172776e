/** What a page sees of a post's reactions (reaction-book.ts keeps them). */

/** One emoji on one post: how many members put it there, and some of them (ours first). */
export interface ReactionCount {
  emoji: string
  count: number
  /** Up to REACTORS_NAMED of the members who reacted so (the viewer first, if it did). */
  dids: string[]
}

/** A post's reactions, most given first (then the emoji given first). */
export type PostReactions = ReactionCount[]
