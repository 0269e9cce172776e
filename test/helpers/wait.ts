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
