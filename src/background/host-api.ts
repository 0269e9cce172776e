/**
 * How the router reaches the host: the host's contract as a client (every method answers
 * an Outcome; shared/host-protocol.ts), plus starting it. In Chrome the host is an
 * offscreen document and each call is one message; in Firefox it lives in the same
 * background page and calls are direct. The router does not care which.
 */
import type { HostClient } from '../shared/host-protocol.js'

export type HostApi = HostClient & {
  /** Starts the host; on install this creates the identity. */
  wake(): Promise<void>
}
