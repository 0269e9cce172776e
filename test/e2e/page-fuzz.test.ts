/**
 * The page gate through the real path: a page in real Chromium, allowed into a space,
 * posts 2,000 generated raw requests (fast-check) straight to `window.postMessage`, the
 * way a hostile script would, past the provider. Every one must be answered, under its
 * id, by the extension (content script → router → host and back), and the page must
 * still work afterwards. `openSpace` and `prepareLink` are left out: they wait for a
 * person's answer in the prompt, which is no answer a fuzzer can wait for.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { MAX_JSON_DEPTH } from '../../src/core/constants.js'
import { DAPP_METHOD_NAMES } from '../../src/shared/dapp-methods.js'
import { TO_EXTENSION, TO_PAGE } from '../../src/shared/page-wire.js'
import type { ExtensionBrowser } from '../../tools/extension-browser.js'
import { type StaticServer, serveDemo } from '../../tools/static-server.js'
import { RelayProcess } from '../helpers/relay-process.js'
import { PageDriver } from './page-driver.js'
import { browserSet, STEP_MS } from './session.js'

const SPACE = 'fuzz-space'
const REQUESTS = Number(process.env.PAGE_FUZZ_REQUESTS ?? '2000')
/** Above any id the page's own provider uses. */
const FIRST_ID = 1_000_000_000

let relay: RelayProcess
let site: StaticServer
const session = browserSet(() => relay.address)
let page: PageDriver

beforeAll(async () => {
  relay = await RelayProcess.start()
  site = await serveDemo()
  page = await PageDriver.open(
    (await session.launch('fuzz')) as ExtensionBrowser,
    `${site.url}/trollbox.html`,
  )
}, STEP_MS)

afterAll(async () => {
  await session.closeAll()
  await site?.close()
  await relay?.stop()
}, STEP_MS)

/** [method, params as JSON text]: text, so params nested thousands deep survive the hop. */
function generatedRequests(count: number): [unknown, string][] {
  const deep = fc
    .integer({ min: MAX_JSON_DEPTH - 2, max: 3_000 })
    .map((levels) => `${'['.repeat(levels)}${']'.repeat(levels)}`)
  const params = fc.oneof(
    fc
      .record(
        {
          space: fc.oneof(fc.constant(SPACE), fc.string()),
          room: fc.oneof(fc.constantFrom('lobby', 'fuzz'), fc.string({ maxLength: 80 })),
          thread: fc.string({ maxLength: 70 }),
          message: fc.jsonValue({ maxDepth: 4 }),
          to: fc.string(),
          limit: fc.jsonValue(),
          options: fc.jsonValue({ maxDepth: 2 }),
        },
        { requiredKeys: [] },
      )
      .map((value) => JSON.stringify(value)),
    fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value)),
    deep,
    fc.string({ minLength: 30_000, maxLength: 40_000 }).map((value) => JSON.stringify(value)),
  )
  const method = fc.oneof(
    fc.constantFrom(
      ...DAPP_METHOD_NAMES.filter((name) => name !== 'openSpace' && name !== 'prepareLink'),
    ),
    fc.string(),
    fc.jsonValue({ maxDepth: 1 }),
  )
  return fc.sample(fc.tuple(method, params), { numRuns: count, seed: 12 })
}

describe('2,000 generated raw requests from a page in real Chromium', () => {
  it(
    'are each answered once under their id, and the page still chats afterwards',
    async () => {
      const { outcome } = await page.openSpaceWithPrompt(SPACE, true)
      expect(outcome).toMatchObject({ did: expect.stringMatching(/^did:key:/) })
      const requests = JSON.stringify(generatedRequests(REQUESTS))
      const result = await page.page.evaluate(
        async ([text, firstId, toExtension, toPage]) => {
          const sent = JSON.parse(text) as [unknown, string][]
          const answers = new Map<number, number>()
          window.addEventListener('message', (event) => {
            const data = event.data as { tag?: unknown; id?: unknown }
            if (data?.tag === toPage && typeof data.id === 'number' && data.id >= firstId)
              answers.set(data.id, (answers.get(data.id) ?? 0) + 1)
          })
          sent.forEach(([method, params], i) => {
            window.postMessage(
              { tag: toExtension, id: firstId + i, method, params: JSON.parse(params) },
              location.origin,
            )
          })
          const deadline = Date.now() + 45_000
          while (answers.size < sent.length && Date.now() < deadline)
            await new Promise((resolve) => setTimeout(resolve, 100))
          const unanswered = sent.flatMap((_, i) => (answers.has(firstId + i) ? [] : [i]))
          const twice = [...answers.values()].filter((times) => times > 1).length
          return { answered: answers.size, unanswered: unanswered.slice(0, 5), twice }
        },
        [requests, FIRST_ID, TO_EXTENSION, TO_PAGE] as const,
      )
      expect(result).toEqual({ answered: REQUESTS, unanswered: [], twice: 0 })
      // The extension still serves the site: reloaded (the fuzz may have taken all 64 of
      // the page's thread handles), the page opens its space without a prompt and chats.
      await page.page.reload()
      expect(await page.openSpace(SPACE)).toMatchObject({ did: expect.stringMatching(/^did:key:/) })
      await page.join('after-fuzz')
      expect(await page.post('still here')).toEqual(expect.any(String))
    },
    STEP_MS * 2,
  )
})
