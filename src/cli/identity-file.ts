/**
 * The terminal peer's identity: a 32-byte seed in a file (mode 0600) when the user wants
 * to keep a DID across runs, or a fresh seed each run. Only the seed is written, never a
 * message (DESIGN.md: only identity keys persist).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { generateSeed, InvalidSeedError } from '../core/index.js'

export async function loadOrCreateSeed(path: string | undefined): Promise<Uint8Array> {
  if (path === undefined) return generateSeed()
  try {
    const seed = new Uint8Array(await readFile(path))
    if (seed.length !== 32)
      throw new InvalidSeedError(
        `${path} holds ${seed.length} bytes, not a 32-byte identity seed; move it away to create a new identity`,
      )
    return seed
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
  }
  const seed = generateSeed()
  await mkdir(dirname(path), { recursive: true })
  await writeFile(path, seed, { mode: 0o600, flag: 'wx' })
  return seed
}
