/** Who is online in the room: a count, then each member with their mark and name. */
import type { LinkedMember } from '../core/link-scope.js'
import { Avatar } from '../ui/Avatar.js'
import type { MemberColours } from './member-colours.js'
import { nameOf } from './widget-words.js'

export function MemberPanel({
  members,
  you,
  colours,
}: {
  members: readonly LinkedMember[]
  you: string | undefined
  colours: MemberColours
}) {
  return (
    <aside class="members" aria-label="People in the room">
      <h2>{members.length === 1 ? '1 online' : `${members.length} online`}</h2>
      <ul>
        {members.map((member) => (
          <li
            key={member.did}
            title={member.address ? `${member.did} (${member.address})` : member.did}
          >
            <Avatar did={member.did} colour={colours.of(member.did)} small />
            <span class="name">{member.did === you ? 'you' : nameOf(member.did, members)}</span>
          </li>
        ))}
      </ul>
    </aside>
  )
}
