/**
 * A room's messages, oldest first. Each row has a fixed shape (avatar, author, time, text)
 * and the browser skips laying out rows that are off screen (`content-visibility`), so a
 * thousand posts stay fast; a row renders once (its post never changes). The list follows new posts only while the user is at the
 * bottom: reading older ones is never interrupted.
 */
import { Component } from 'preact'
import { useLayoutEffect, useRef } from 'preact/hooks'
import type { FeedPost } from '../../shared/room-view.js'
import { AccountLabel } from '../../ui/AccountLabel.js'
import { Avatar } from '../../ui/Avatar.js'
import { DidLabel } from '../../ui/DidLabel.js'
import { shortDid } from '../../ui/did-display.js'

/** Within this many pixels of the bottom counts as "at the bottom". */
const STICK_PX = 48

function textOf(message: unknown): string {
  return typeof message === 'string' ? message : JSON.stringify(message)
}

function timeOf(seconds: number): string {
  return new Date(seconds * 1000).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
}

export function MessageList({
  posts,
  ownDid,
  hidden,
  onBlock,
}: {
  posts: FeedPost[]
  ownDid: string
  hidden: number
  onBlock: (did: string) => void
}) {
  const list = useRef<HTMLOListElement>(null)
  const atBottom = useRef(true)
  const newest = posts.at(-1)?.seq
  // Before paint, so a new post never shows the list jumping up and back down.
  useLayoutEffect(() => {
    const element = list.current
    if (element !== null && atBottom.current) element.scrollTop = element.scrollHeight
  }, [newest])
  return (
    <ol
      class="messages"
      ref={list}
      aria-label="messages"
      aria-live="polite"
      onScroll={(event) => {
        const element = event.currentTarget
        atBottom.current =
          element.scrollHeight - element.scrollTop - element.clientHeight <= STICK_PX
      }}
    >
      {posts.length === 0 && (
        <li class="empty">No messages yet. Say hello: it reaches everyone in the room.</li>
      )}
      {hidden > 0 && (
        <li class="hidden-note">
          {hidden} {hidden === 1 ? 'message' : 'messages'} from blocked people hidden
        </li>
      )}
      {posts.map((entry) => (
        <MessageRow key={entry.seq} entry={entry} ownDid={ownDid} onBlock={onBlock} />
      ))}
    </ol>
  )
}

interface RowProps {
  entry: FeedPost
  ownDid: string
  onBlock: (did: string) => void
}

/** One post. Rendered again only if it is another post or the user's DID changed. */
class MessageRow extends Component<RowProps> {
  override shouldComponentUpdate(next: RowProps): boolean {
    return next.entry !== this.props.entry || next.ownDid !== this.props.ownDid
  }

  override render() {
    const { entry, ownDid } = this.props
    const { post } = entry
    const mine = post.author === ownDid
    return (
      <li class={`message${mine ? ' mine' : ''}${post.to ? ' direct' : ''}`}>
        <Avatar did={post.author} />
        <div class="head">
          <DidLabel did={post.author} you={mine} />
          <AccountLabel address={post.address} linkedOn={post.linkedOn} />
          {post.to !== undefined && (
            <span class="dm" title={post.to}>
              DM → {post.to === ownDid ? 'you' : shortDid(post.to)}
            </span>
          )}
          <time dateTime={new Date(post.timestamp * 1000).toISOString()}>
            {timeOf(post.timestamp)}
          </time>
          {!mine && (
            <button
              type="button"
              class="block"
              // Read at click time: the row keeps its first render, not its first callback.
              onClick={() => this.props.onBlock(post.author)}
              aria-label={`Block ${post.author}`}
              title="Block: hide this person's messages everywhere"
            >
              Block
            </button>
          )}
        </div>
        <p class="text">{textOf(post.message)}</p>
      </li>
    )
  }
}
