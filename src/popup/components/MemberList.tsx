/**
 * Who is in the room: online first (you at the top), then those seen earlier, each group
 * under its own count. "unlinked" is said only in a room where someone linked a wallet:
 * where nobody does, it would sit beside every name and say nothing.
 */
import type { RoomMember } from '../../shared/room-view.js'
import { AccountLabel } from '../../ui/AccountLabel.js'
import { Avatar } from '../../ui/Avatar.js'
import { DidLabel } from '../../ui/DidLabel.js'
import type { MemberColours } from '../../ui/member-colours.js'

export function MemberList({
  members,
  ownDid,
  colours,
  onBlock,
}: {
  members: RoomMember[]
  ownDid: string
  colours: MemberColours
  onBlock: (did: string, blocked: boolean) => void
}) {
  const anyLinked = members.some((member) => member.address !== undefined)
  const online = members.filter((member) => member.online)
  const earlier = members.filter((member) => !member.online)
  return (
    <div class="member-groups">
      <h3>Online ({online.length})</h3>
      {group(online)}
      {earlier.length > 0 && <h3>Seen earlier ({earlier.length})</h3>}
      {earlier.length > 0 && group(earlier)}
    </div>
  )

  function group(listed: RoomMember[]) {
    return (
      <ul
        class="members"
        aria-label={listed[0]?.online ? 'members online' : 'members seen earlier'}
      >
        {listed.map((member) => (
          <li key={member.did} class={member.online ? 'online' : 'offline'}>
            <Avatar did={member.did} colour={colours.of(member.did)} />
            <DidLabel did={member.did} you={member.did === ownDid} />
            <AccountLabel
              address={member.address}
              linkedOn={member.linkedOn}
              {...(anyLinked ? { unlinked: 'unlinked' } : {})}
            />
            <span class="presence">
              {member.online ? 'online' : 'offline'}
              {member.blocked ? ' · blocked' : ''}
            </span>
            {member.did !== ownDid && (
              <button
                type="button"
                onClick={() => onBlock(member.did, !member.blocked)}
                aria-label={`${member.blocked ? 'Unblock' : 'Block'} ${member.did}`}
              >
                {member.blocked ? 'Unblock' : 'Block'}
              </button>
            )}
          </li>
        ))}
      </ul>
    )
  }
}
