/**
 * Who is online in the room: the count (exact, from the thread), then each member listed
 * (a page's list is capped in crowds: the rest are counted, not listed).
 */
import type { LinkedMember } from '../core/link-scope.js'
import { Avatar } from '../ui/Avatar.js'
import type { MemberColours } from '../ui/member-colours.js'
import { type AccountNames, nameOf } from './widget-words.js'

export function MemberPanel({
  members,
  you,
  colours,
  names,
  online,
}: {
  members: readonly LinkedMember[]
  you: string | undefined
  colours: MemberColours
  names: AccountNames
  online: number
}) {
  const unlisted = online - members.length
  return (
    <aside class="members" aria-label="People in the room">
      <h2>{online === 1 ? '1 online' : `${online} online`}</h2>
      <ul>
        {members.map((member) => (
          <li
            key={member.did}
            title={member.address ? `${member.did} (${member.address})` : member.did}
          >
            <Avatar did={member.did} colour={colours.of(member.did)} small />
            <span class="name">
              {member.did === you ? 'you' : nameOf(member.did, members, names)}
            </span>
          </li>
        ))}
        {unlisted > 0 && <li class="unlisted">and {unlisted.toLocaleString()} more</li>}
      </ul>
    </aside>
  )
}
