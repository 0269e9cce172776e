/**
 * A JSON value, as a post's message is: written out, not inferred from the schema, so that
 * the SDK's type declarations (what a dapp's compiler reads) need no schema library.
 * schema.ts checks that z.json() still parses exactly these.
 */
export type JsonValue =
  | string
  | number
  | boolean
  | null
  | JsonValue[]
  | { [key: string]: JsonValue }
