/**
 * `ghost-threads/web`: Ghost Threads for a dapp's own code. `connect()` resolves to the
 * extension's provider when it is installed, else to the same 3IP-9 API with its host in
 * the page (see connect.ts).
 */
export { type Connection, type ConnectOptions, connect } from './connect.js'
export { type Eip1193Provider, EnsNames } from './ens-names.js'
export { PAGE_HOST_LOCK } from './page-host-transport.js'
