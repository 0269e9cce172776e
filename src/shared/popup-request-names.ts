/**
 * The names of the popup's requests the host serves, without their schemas
 * (manage-requests.ts holds those): what the message contract (messengers.ts) lists.
 * Kept apart so that every context importing the messengers, the content script in every
 * page among them, does not carry the schema library (it put zod back into content.js:
 * 8.5 → 136 KiB).
 */
export const POPUP_HOST_REQUEST_NAMES = [
  'status',
  'roomView',
  'postFromPopup',
  'reactFromPopup',
  'typingFromPopup',
  'leaveRoom',
  'roomInvite',
  'keepRoom',
  'keptRooms',
  'redial',
  'exportPhrase',
  'importPhrase',
] as const

export type PopupHostRequest = (typeof POPUP_HOST_REQUEST_NAMES)[number]
