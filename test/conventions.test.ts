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
