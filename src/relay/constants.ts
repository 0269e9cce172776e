/** The tuning numbers of src/relay, in one place (STYLE.md: one constants.ts per area), each with its reason. */

// relay-server.ts
/** The relay's WebSockets port and its health and metrics port when `--port` / `--http-port` are not given. */
export const DEFAULT_RELAY_PORT = 4040
export const DEFAULT_HTTP_PORT = 4041
