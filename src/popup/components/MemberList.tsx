/** Who is in the room: online first (you at the top), then those seen earlier. */
import type { RoomMember } from '../../shared/room-view.js'
import { Avatar } from '../../ui/Avatar.js'
import { DidLabel } from '../../ui/DidLabel.js'
import { shortAddress } from '../../ui/did-display.js'

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
          <span
            class="address"
            title={
              member.linkedOn === undefined
                ? 'No wallet linked'
                : `${member.address} (linked on ${member.linkedOn.domain}, chain ${member.linkedOn.chainId})`
            }
          >
            {member.address === undefined ? 'unlinked' : shortAddress(member.address)}
          </span>
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
