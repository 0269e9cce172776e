/**
 * The WebExtension API with promises everywhere: Firefox's `browser` namespace, else
 * Chrome's `chrome` (promise-based in MV3). DESIGN.md allows this in place of
 * webextension-polyfill, which both targets no longer need; the messaging library
 * (@webext-core/messaging 4) also uses `chrome` with callbacks, which both support.
 */
export const ext: typeof chrome = (globalThis as { browser?: typeof chrome }).browser ?? chrome
