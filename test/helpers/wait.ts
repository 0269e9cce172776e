/** Polls `condition` until it holds; fails after `timeoutMs`. Every loop here ends by itself. */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  { timeoutMs = 3_000, intervalMs = 10, what = 'condition' } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (await condition()) return
    await sleep(intervalMs)
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/**
 * Until `read` has given the same value for `quietMs` (a flood drained, an answer taken
 * in), polled every `intervalMs`; resolves to that value. Fails after `timeoutMs`.
 */
export async function untilSteady(
  read: () => number | Promise<number>,
  { quietMs = 1_500, timeoutMs = 30_000, intervalMs = 100, what = 'a steady value' } = {},
): Promise<number> {
  let last = await read()
  let since = Date.now()
  await waitFor(
    async () => {
      const now = await read()
      if (now !== last) {
        last = now
        since = Date.now()
      }
      return Date.now() - since >= quietMs
    },
    { timeoutMs, intervalMs, what },
  )
  return last
}
