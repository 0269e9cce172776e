import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from '@jest/globals'

/** House conventions (STYLE.md), checked by a test rather than by memory. */

const root = join(import.meta.dirname, '..')

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return sourceFiles(path)
    return /\.tsx?$/.test(name) ? [path] : []
  })
}

function importsOf(source: string): string[] {
  return [...source.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/gm)].map(
    (m) => m[1] as string,
  )
}

/** What the environment-free core may depend on: protocol libraries, nothing that assumes a host. */
const CORE_PACKAGES = [
  'did-jwt',
  'zod',
  'multiformats',
  '@ipld/dag-cbor',
  '@noble/curves',
  // AEAD for private rooms (XChaCha20-Poly1305), pure JS: runs anywhere.
  '@noble/ciphers',
  '@noble/hashes',
  'eventemitter3',
  'quick-lru',
  // EIP-4361 wallet links (viem's siwe helpers; ethers recovers the signer): run anywhere.
  'viem',
  'ethers',
]

describe('src/core stays environment-free', () => {
  const files = sourceFiles(join(root, 'src/core'))

  it.each(files.map((file) => [relative(root, file), file]))(
    '%s imports only the core’s own libraries',
    (_name, file) => {
      const source = readFileSync(file, 'utf8')
      for (const specifier of importsOf(source)) {
        if (specifier.startsWith('./')) continue
        const allowed = CORE_PACKAGES.some(
          (pkg) => specifier === pkg || specifier.startsWith(`${pkg}/`),
        )
        expect({ specifier, allowed }).toEqual({ specifier, allowed: true })
      }
      // No extension, DOM or Node globals: the same code runs in a service worker, a page and Node.
      const code = source.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '')
      expect(code).not.toMatch(
        /\b(chrome|browser)\.\w|\bwindow\.|\bdocument\.|\blocalStorage\b|\bindexedDB\b|\bprocess\.|\bBuffer\b|from 'node:/,
      )
    },
  )
})

describe('source files', () => {
  it.each(sourceFiles(join(root, 'src')).map((file) => [relative(root, file), file]))(
    '%s stays small enough to read (≤ 450 lines)',
    (_name, file) => {
      expect(readFileSync(file, 'utf8').split('\n').length).toBeLessThanOrEqual(450)
    },
  )

  it('import core/zod-jitless.ts wherever they import zod (no Function constructor)', () => {
    const unset = sourceFiles(join(root, 'src'))
      .filter((file) => !file.endsWith(join('core', 'zod-jitless.ts')))
      .filter((file) => {
        const source = readFileSync(file, 'utf8')
        const zod = importsOf(source).some((s) => s === 'zod' || s.startsWith('zod/'))
        return zod && !/^import '\.{1,2}\/(core\/)?zod-jitless\.js'$/m.test(source)
      })
      .map((file) => relative(root, file))
    expect(unset).toEqual([])
  })

  it('use kebab-case file names (components excepted)', () => {
    for (const file of sourceFiles(join(root, 'src'))) {
      const name = file.split('/').pop() as string
      expect({
        name,
        ok: /^[a-z0-9]+(-[a-z0-9]+)*\.tsx?$/.test(name) || /^[A-Z][A-Za-z0-9]*\.tsx$/.test(name),
      }).toEqual({ name, ok: true })
    }
  })
})

/** Source without comments and string contents, for rules about code only. */
function codeOf(source: string): string {
  return source
    .replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '')
    .replace(/'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*"|`(?:\\.|[^`\\])*`/g, "''")
}

describe('house rules (issue 24)', () => {
  const files = sourceFiles(join(root, 'src'))

  it('every error class extends the project base error (GhostThreadsError: a name, a code, a message)', () => {
    const bare = files.flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/class (\w+) extends Error\b/g)]
        .map((m) => `${relative(root, file)}: ${m[1]}`)
        .filter((found) => found !== 'src/core/errors.ts: GhostThreadsError'),
    )
    expect(bare).toEqual([])
  })

  /** The files webpack and the package start from: they wire, and decide nothing. */
  const ENTRY_FILES = [
    'src/background/chrome-main.ts',
    'src/background/firefox-main.ts',
    'src/host/offscreen-main.ts',
    'src/content/index.ts',
    'src/inpage/index.ts',
    'src/popup/main.tsx',
    'src/prompt/main.tsx',
    'src/web/index.ts',
    'src/widget/index.ts',
  ]

  it.each(ENTRY_FILES)(
    '%s only wires (no branching inside; guards at the top level only)',
    (file) => {
      const code = codeOf(readFileSync(join(root, file), 'utf8'))
      // `||`, `&&`, `??`, a ternary or a switch is a routing choice: it belongs in a module.
      expect(code.match(/\|\||&&|\?\?|\sswitch\s*\(|[^?.\s]\s\?\s[^?]/g) ?? []).toEqual([])
      // An `if` is allowed only as a guard of the whole file (mount only where there is a
      // root, define only once), not inside a function.
      expect(code.match(/^[ \t]+if \(/gm) ?? []).toEqual([])
    },
  )

  it('tuning numbers are named in one constants.ts per area (src/<area>/constants.ts)', () => {
    const elsewhere = files
      .filter((file) => !file.endsWith('/constants.ts'))
      .flatMap((file) =>
        [
          ...readFileSync(file, 'utf8').matchAll(
            /^(?:export )?const ([A-Z][A-Z0-9_]+)(?: *: *\w+)? = [-0-9(]/gm,
          ),
        ].map((m) => `${relative(root, file)}: ${m[1]}`),
      )
    expect(elsewhere).toEqual([])
  })

  it('class docs sit on their class (no blank line or other code between)', () => {
    const detached = files.flatMap((file) => {
      const source = readFileSync(file, 'utf8')
      return [
        ...source.matchAll(
          /\/\*\*(?:(?!\*\/)[\s\S])*\*\/\n\s*\n((?:export )?(?:abstract )?class (\w+))/g,
        ),
      ].map((m) => `${relative(root, file)}: ${m[2]}`)
    })
    expect(detached).toEqual([])
  })
})
