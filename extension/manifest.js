/**
 * The manifest of each browser build, from one description. Chrome: service worker router
 * plus offscreen host. Firefox: one background page for both, a gecko id, and a CSP
 * without upgrade-insecure-requests so ws:// reaches a relay on loopback in development.
 */

/** Fixes the Chrome extension id (the public half of a key made for this project only). */
export const CHROME_KEY =
  'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAtKEnBagvFsxCc49wEx4YYoaJaeDXiRizbfBEEt8Dt1PA6Ut52m2ItZnX6Xg2Jvu5W/MHloRb9avVEKPFYYkMMMOWeP+bq2axP4UTMQvr5x0k5ILbx3j2lOXX6XGm7ATumNM32IVXam+dcVfWSnQIOJCVWEX2zbGhBKtSU5XjSYN3mtpARM6N89Du6Cp7BF/zXU4fB1SAPDibvkb/Hneek+uqkMjRfKvc5JWJXpN13/vGsBThRy8+7DIvDgAttez0YDpO7BuQ8b3Z69eFHFaTIR8Cr1W6aIm29GtDt67LmoMaOrSy3JEbTU8PqjvYE9L92JqJkne+54AkmMG06XIc4QIDAQAB'
/** The id that key gives: chrome-extension://ooagbibjfljmjillieabegofkadkdicn/ */
export const CHROME_EXTENSION_ID = 'ooagbibjfljmjillieabegofkadkdicn'

/** The gecko id of the Firefox build. */
export const FIREFOX_EXTENSION_ID = 'ghost-threads@ghostthreads.org'

const CONTENT_MATCHES = ['http://*/*', 'https://*/*']

/** The icons the stores and the toolbar ask for (scripts/render-icons.ts draws them). */
export const ICONS = Object.fromEntries(
  [16, 32, 48, 128].map((size) => [String(size), `icons/icon-${size}.png`]),
)

const shared = (pkg) => ({
  manifest_version: 3,
  name: 'Ghost Threads',
  short_name: 'Ghost Threads',
  version: pkg.version,
  description: pkg.description,
  icons: ICONS,
  content_scripts: [
    {
      matches: CONTENT_MATCHES,
      js: ['inpage.js'],
      run_at: 'document_start',
      all_frames: true,
      world: 'MAIN',
    },
    { matches: CONTENT_MATCHES, js: ['content.js'], run_at: 'document_start', all_frames: true },
  ],
  action: { default_title: 'Ghost Threads', default_popup: 'popup.html', default_icon: ICONS },
  content_security_policy: { extension_pages: "script-src 'self'; object-src 'self'" },
})

export function chromeManifest(pkg) {
  return {
    ...shared(pkg),
    // world MAIN content scripts: 111; runtime.getContexts: 116; Promise.withResolvers
    // (libp2p): 119. test/extension-build.test.ts checks the bundles against this.
    minimum_chrome_version: '119',
    key: CHROME_KEY,
    permissions: ['offscreen', 'storage'],
    background: { service_worker: 'background.js' },
  }
}

/**
 * Firefox: Manifest V2 with a persistent background page. Firefox suspends an MV3
 * background page after 30 s without extension events, open ports or not, and MV3 has no
 * persistent option: a joined room lost its node, peer id and threads after 45 s idle
 * (FIELD-NOTES). The page here holds both router and host, like a browser session.
 */
export function firefoxManifest(pkg) {
  const { manifest_version, action, content_security_policy, ...common } = shared(pkg)
  return {
    ...common,
    manifest_version: 2,
    browser_action: action,
    content_security_policy: content_security_policy.extension_pages,
    permissions: ['storage'],
    background: { scripts: ['background.js'], persistent: true },
    browser_specific_settings: {
      gecko: {
        id: FIREFOX_EXTENSION_ID,
        // world MAIN content scripts arrived in 128; the data consent below in 140 (desktop)
        // and 142 (Android): AMO's linter refuses a key older versions do not know.
        strict_min_version: '142.0',
        // Firefox's consent for data sent off the computer (required of new add-ons since
        // November 2025): the chat messages a user writes go to relays and other people.
        data_collection_permissions: { required: ['personalCommunications'] },
      },
    },
  }
}
