/**
 * `ghost-threads/widget`: the drop-in chat. Importing it defines `<ghost-chat>` (once; a
 * page that defined the name itself keeps its own). See ghost-chat-element.tsx.
 *
 * @example
 * <script type="module">import 'ghost-threads/widget'</script>
 * <ghost-chat space="my-dapp" room="lobby"></ghost-chat>
 */
import { GHOST_CHAT_TAG, GhostChatElement } from './ghost-chat-element.js'

if (customElements.get(GHOST_CHAT_TAG) === undefined)
  customElements.define(GHOST_CHAT_TAG, GhostChatElement)

export { GHOST_CHAT_TAG, GhostChatElement }
