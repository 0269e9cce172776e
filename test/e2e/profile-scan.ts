/**
 * Ephemeral means ephemeral: finds any of `phrases` (UTF-8 or UTF-16) in files under
 * `dirs`, except files whose path `skip` accepts (where the user chose to keep something).
 */
import { readdir, readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'

export async function textFoundOnDisk(
  dirs: string[],
  phrases: string[],
  skip: (path: string) => boolean = () => false,
): Promise<string[]> {
  const found: string[] = []
  for (const dir of dirs) {
    for (const file of await filesUnder(dir)) {
      if (skip(file)) continue
      const bytes = await readFile(file).catch(() => undefined)
      if (bytes === undefined) continue
      for (const phrase of phrases) {
        if (
          bytes.includes(Buffer.from(phrase, 'utf8')) ||
          bytes.includes(Buffer.from(phrase, 'utf16le'))
        )
          found.push(`${phrase} in ${file}`)
      }
    }
  }
  return found
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => [])
  const files: string[] = []
  for (const entry of entries) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) files.push(...(await filesUnder(path)))
    else if (entry.isFile() && (await stat(path)).size < 64 * 1024 * 1024) files.push(path)
  }
  return files
}
