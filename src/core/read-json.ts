import type { z } from 'zod'
import { decodeUtf8 } from './utf8.js'
import './zod-jitless.js'

/**
 * What `schema` reads from `data`, JSON in UTF-8 of at most `maxBytes`: undefined when the
 * bytes are too many, not UTF-8, not JSON or not of the schema (what peers and relays send
 * is never trusted to be any of those).
 */
export function readJson<S extends z.ZodType>(
  data: Uint8Array,
  maxBytes: number,
  schema: S,
): z.infer<S> | undefined {
  if (data.length > maxBytes) return undefined
  const text = decodeUtf8(data)
  if (text === undefined) return undefined
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    return undefined
  }
  const parsed = schema.safeParse(json)
  return parsed.success ? parsed.data : undefined
}
