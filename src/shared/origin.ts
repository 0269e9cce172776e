/** The origin of a URL the browser reported, or undefined when there is none to read. */
export function originOf(url: string | undefined): string | undefined {
  if (url === undefined) return undefined
  try {
    return new URL(url).origin
  } catch {
    return undefined
  }
}
