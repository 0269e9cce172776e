/** While the reader is scrolled up: how many messages came since, on a button that jumps down. */
export function JumpToNewest({ unseen, onJump }: { unseen: number; onJump: () => void }) {
  if (unseen <= 0) return null
  return (
    <button type="button" class="jump" onClick={onJump}>
      {unseen === 1 ? '1 new message' : `${unseen} new messages`} ↓
    </button>
  )
}
