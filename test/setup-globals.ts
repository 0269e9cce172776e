/**
 * jsdom (the popup's component tests) lacks some globals Node and browsers both have;
 * the code under test uses them (multiaddr, UTF-8). Node's own are the same thing.
 */
import { TextDecoder, TextEncoder } from 'node:util'

const scope = globalThis as Record<string, unknown>
scope.TextEncoder ??= TextEncoder
scope.TextDecoder ??= TextDecoder
