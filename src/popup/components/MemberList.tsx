/** Who is in the room: online first (you at the top), then those seen earlier. */
import type { RoomMember } from '../../shared/room-view.js'
import { AccountLabel } from '../../ui/AccountLabel.js'
import { Avatar } from '../../ui/Avatar.js'
import { DidLabel } from '../../ui/DidLabel.js'

export function MemberList({
  members,
  ownDid,
  onBlock,
}: {
  members: RoomMember[]
  ownDid: string
  onBlock: (did: string, blocked: boolean) => void
}) {
  return (
    <ul class="members" aria-label="members">
      {members.map((member) => (
        <li key={member.did} class={member.online ? 'online' : 'offline'}>
          <Avatar did={member.did} />
          <DidLabel did={member.did} you={member.did === ownDid} />
          <AccountLabel address={member.address} linkedOn={member.linkedOn} unlinked="unlinked" />
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
