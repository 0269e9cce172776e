/** The tuning numbers of src/content, in one place (STYLE.md: one constants.ts per area), each with its reason. */

// router-port.ts
export const ROUTER_RECONNECT_MS = 100

// host-link.ts
export const HOST_RECONNECT_MS = 500
