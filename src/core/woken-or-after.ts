/**
 * Resolves when the `wake` it hands to `register` is called, or after `ms`, whichever
 * comes first; `register` returns how to take `wake` back, which happens either way.
 * A long poll (the popup's room view) and a post waiting for its delivery word both wait
 * like this.
 */
export function wokenOrAfter(
  ms: number,
  register: (wake: () => void) => () => void,
): Promise<void> {
  return new Promise<void>((resolve) => {
    const wake = (): void => {
      clearTimeout(timer)
      unregister()
      resolve()
    }
    const timer = setTimeout(wake, ms)
    const unregister = register(wake)
  })
}
