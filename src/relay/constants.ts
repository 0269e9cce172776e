/** The tuning numbers of src/relay, in one place (STYLE.md: one constants.ts per area), each with its reason. */

// relay-server.ts
export const DEFAULT_RELAY_PORT = 4040
export const DEFAULT_HTTP_PORT = 4041
