/**
 * Assembles the npm package a dapp installs (`npm install ghost-threads`) in
 * dist/package, after webpack (dist/lib, dist/relay) and tsc (tsconfig.sdk.json, the
 * declarations): `ghost-threads/web` (connect() and the 3IP-9 API, in-page host included),
 * `ghost-threads/widget` (<ghost-chat>), their `.d.ts`, the relay (`npx ghost-threads
 * relay`), the package README. The extension is not in it: it ships through the stores.
 *
 * The bundles carry everything they run; the one dependency, eventemitter3, is there for
 * the declarations (a thread's `on`/`off` are typed by it). This script refuses to write a
 * package whose declarations name any other package: a dapp's compiler would not find it.
 */
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'

const root = resolve(import.meta.dirname, '..')
const out = join(root, 'dist/package')
const emitted = join(out, 'types')
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  version: string
  license: string
  devDependencies: Record<string, string>
  dependencies: Record<string, string>
}

/** Entry points: the bundle webpack wrote, and the declaration tsc wrote for its source. */
const SDK_ENTRIES = {
  './web': { bundle: 'dist/lib/ghost-threads-web.js', file: 'web.js', types: 'web/index.d.ts' },
  './widget': {
    bundle: 'dist/lib/ghost-threads-widget.js',
    file: 'widget.js',
    types: 'widget/index.d.ts',
  },
} as const

/** Packages the declarations may name: the package's dependencies. */
const TYPE_DEPENDENCIES = ['eventemitter3'] as const

/** Every declaration file reachable from the entries, and the packages they import. */
function reachableDeclarations(entries: string[]): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>()
  const packages = new Set<string>()
  const visit = (file: string): void => {
    if (files.has(file)) return
    files.add(file)
    const source = readFileSync(file, 'utf8')
    for (const match of source.matchAll(/(?:from|import\()\s*['"]([^'"]+)['"]/g)) {
      const specifier = match[1] ?? ''
      if (specifier.startsWith('.'))
        visit(resolve(dirname(file), specifier.replace(/\.js$/, '.d.ts')))
      else packages.add(specifier)
    }
  }
  for (const entry of entries) visit(join(emitted, entry))
  return { files, packages }
}

const entries = Object.values(SDK_ENTRIES)
const { files, packages } = reachableDeclarations(entries.map((entry) => entry.types))
const foreign = [...packages].filter(
  (name) => !(TYPE_DEPENDENCIES as readonly string[]).includes(name),
)
if (foreign.length > 0) {
  console.error(
    `sdk-package: the declarations name ${foreign.join(', ')}, which the package does not carry; keep them out of the public types (mark @internal)`,
  )
  process.exit(1)
}

// Only the declarations a dapp can reach: tsc wrote one for every file it compiled.
const kept = join(out, 'types-kept')
for (const file of files) {
  const target = join(kept, relative(emitted, file))
  mkdirSync(dirname(target), { recursive: true })
  copyFileSync(file, target)
}
rmSync(emitted, { recursive: true })
cpSync(kept, emitted, { recursive: true })
rmSync(kept, { recursive: true })

for (const entry of entries) {
  if (!existsSync(join(root, entry.bundle))) {
    console.error(`sdk-package: ${entry.bundle} is missing: run webpack first (npm run build)`)
    process.exit(1)
  }
  copyFileSync(join(root, entry.bundle), join(out, entry.file))
}
copyFileSync(join(root, 'dist/relay/ghost-threads-relay.mjs'), join(out, 'relay.mjs'))
copyFileSync(join(root, 'sdk/README.md'), join(out, 'README.md'))
copyFileSync(join(root, 'sdk/cli.mjs'), join(out, 'cli.mjs'))

const exports = Object.fromEntries(
  Object.entries(SDK_ENTRIES).map(([path, entry]) => [
    path,
    { types: `./types/${entry.types}`, default: `./${entry.file}` },
  ]),
)
const manifest = {
  name: 'ghost-threads',
  version: pkg.version,
  description:
    'Ephemeral peer-to-peer chat rooms for any dapp (3IP-9 ghost threads): the in-page SDK, a drop-in <ghost-chat> widget and the relay',
  license: pkg.license,
  type: 'module',
  exports: { ...exports, './package.json': './package.json' },
  files: [...entries.map((entry) => entry.file), 'types', 'relay.mjs', 'cli.mjs', 'README.md'],
  bin: { 'ghost-threads': 'cli.mjs' },
  engines: { node: '>=22' },
  sideEffects: ['./widget.js'],
  dependencies: Object.fromEntries(
    TYPE_DEPENDENCIES.map((name) => [
      name,
      pkg.dependencies[name] ?? pkg.devDependencies[name] ?? '*',
    ]),
  ),
}
writeFileSync(join(out, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`)
console.log(`sdk-package: dist/package (ghost-threads ${pkg.version}, ${files.size} declarations)`)
