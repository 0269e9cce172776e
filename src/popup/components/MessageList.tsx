/**
 * A room's messages, oldest first. Each row has a fixed shape (avatar, author, time, text,
 * reactions) and the browser skips laying out rows that are off screen
 * (`content-visibility`), so a thousand posts stay fast; a row renders again only when
 * its reactions change. The list follows new posts while the user is at the bottom, and
 * always for the user's own post; scrolled up, new posts are counted on a button that
 * jumps down, and reading older ones is never interrupted.
 */

import { Component } from 'preact'
import { useLayoutEffect, useRef, useState } from 'preact/hooks'
import type { PostReactions } from '../../core/post-reactions.js'
import type { FeedPost, RoomSignals } from '../../shared/room-view.js'
import { AccountLabel } from '../../ui/AccountLabel.js'
import { Avatar } from '../../ui/Avatar.js'
import { DidLabel } from '../../ui/DidLabel.js'
import { shortDid } from '../../ui/did-display.js'
import { JumpToNewest } from '../../ui/JumpToNewest.js'
import { MessageText } from '../../ui/MessageText.js'
import type { MemberColours } from '../../ui/member-colours.js'
import { partsOf } from '../../ui/message-text.js'
import { Reactions } from '../../ui/Reactions.js'
import { STICK_PX } from '../constants.js'

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
  colours,
  reactions,
  seen,
  onBlock,
  onReact,
}: {
  posts: FeedPost[]
  ownDid: string
  hidden: number
  colours: MemberColours
  reactions: RoomSignals['reactions']
  seen: RoomSignals['seen']
  onBlock: (did: string) => void
  onReact: (postId: string, emoji: string) => void
}) {
  const list = useRef<HTMLOListElement>(null)
  const atBottom = useRef(true)
  /** The newest sequence number the user has had in view. */
  const [readUpTo, setReadUpTo] = useState(posts.at(-1)?.seq ?? 0)
  const newest = posts.at(-1)
  // Before paint, so a new post never shows the list jumping up and back down. The user's
  // own post comes into view wherever they were reading: they just sent it.
  useLayoutEffect(() => {
    const element = list.current
    if (element === null || newest === undefined) return
    if (atBottom.current || newest.post.author === ownDid) {
      element.scrollTop = element.scrollHeight
      atBottom.current = true
      setReadUpTo(newest.seq)
    }
  }, [newest?.seq])
  const unseen = posts.filter((entry) => entry.seq > readUpTo).length
  const jumpDown = () => {
    const element = list.current
    if (element !== null) element.scrollTop = element.scrollHeight
    atBottom.current = true
    setReadUpTo(newest?.seq ?? 0)
  }
  return (
    <div class="message-pane">
      <ol
        class="messages"
        ref={list}
        aria-label="messages"
        aria-live="polite"
        onScroll={(event) => {
          const element = event.currentTarget
          atBottom.current =
            element.scrollHeight - element.scrollTop - element.clientHeight <= STICK_PX
          if (atBottom.current) setReadUpTo(newest?.seq ?? 0)
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
          <MessageRow
            key={entry.seq}
            entry={entry}
            ownDid={ownDid}
            colour={colours.of(entry.post.author)}
            reactions={reactions[entry.post.postId]}
            seenBy={seen?.postId === entry.post.postId ? seen.count : undefined}
            onBlock={onBlock}
            onReact={onReact}
          />
        ))}
      </ol>
      <JumpToNewest unseen={unseen} onJump={jumpDown} />
    </div>
  )
}

interface RowProps {
  entry: FeedPost
  ownDid: string
  colour: string
  reactions: PostReactions | undefined
  /** How many others have seen it: given for the newest post only. */
  seenBy: number | undefined
  onBlock: (did: string) => void
  onReact: (postId: string, emoji: string) => void
}

/** One post. Rendered again only when it is another post, its reactions or seen count changed. */
class MessageRow extends Component<RowProps, { picking: boolean }> {
  override state = { picking: false }

  override shouldComponentUpdate(next: RowProps, nextState: { picking: boolean }): boolean {
    return (
      next.entry !== this.props.entry ||
      next.ownDid !== this.props.ownDid ||
      next.colour !== this.props.colour ||
      next.seenBy !== this.props.seenBy ||
      nextState.picking !== this.state.picking ||
      JSON.stringify(next.reactions) !== JSON.stringify(this.props.reactions)
    )
  }

  override render() {
    const { entry, ownDid, colour, reactions, seenBy } = this.props
    const { post } = entry
    const mine = post.author === ownDid
    const react = (emoji: string) => this.props.onReact(post.postId, emoji)
    return (
      <li class={`message${mine ? ' mine' : ''}${post.to ? ' direct' : ''}`}>
        <Avatar did={post.author} colour={colour} />
        <div class="head">
          <DidLabel did={post.author} you={mine} />
          <AccountLabel address={post.address} linkedOn={post.linkedOn} />
          {post.to !== undefined && (
            <span class="dm" title={post.to}>
              DM → {post.to === ownDid ? 'you' : shortDid(post.to)}
            </span>
          )}
          {post.to === undefined && (
            <button
              type="button"
              class="add-reaction"
              aria-expanded={this.state.picking}
              aria-label="Add a reaction"
              title="Add a reaction"
              onClick={() => this.setState({ picking: !this.state.picking })}
            >
              ☺+
            </button>
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
        <MessageText parts={partsOf(textOf(post.message), [])} />
        {post.to === undefined && (
          <Reactions
            reactions={reactions}
            viewer={ownDid}
            nameOf={shortDid}
            picking={this.state.picking}
            onReact={react}
            onPicked={() => this.setState({ picking: false })}
          />
        )}
        {seenBy !== undefined && seenBy > 0 && <p class="seen">Seen by {seenBy}</p>}
      </li>
    )
  }
}
