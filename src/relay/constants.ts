/** The tuning numbers of src/relay, in one place (STYLE.md: one constants.ts per area), each with its reason. */

// relay-server.ts
/** The relay's WebSockets port and its health and metrics port when `--port` / `--http-port` are not given. */
export const DEFAULT_RELAY_PORT = 4040
export const DEFAULT_HTTP_PORT = 4041

// buffer-pool.ts
/**
 * The slab small Buffers are cut from at the relay (Node 24's default is 64 KiB; 8 KiB was
 * Node's default before): each connection keeps small slices alive as long as it lasts.
 */
export const RELAY_BUFFER_POOL_BYTES = 8 * 1024
