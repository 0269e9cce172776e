/**
 * The built packages against what the stores check (issue 23), run here: Firefox's own
 * linter (`web-ext lint`, what addons.mozilla.org runs on upload), and for the Chrome Web
 * Store what its review refuses: remote code, code built from strings, permissions the
 * code never uses, missing icons, name or description out of bounds.
 */
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from '@jest/globals'
import { unzipSync } from 'fflate'

const root = join(import.meta.dirname, '..')
const dist = join(root, 'dist')
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  version: string
}

interface LintMessage {
  code: string
  file?: string
  line?: number
  column?: number
  message: string
}

function webExtLint(sourceDir: string): { errors: LintMessage[]; warnings: LintMessage[] } {
  // web-ext exits 1 when it finds errors; its JSON report is on stdout either way.
  let out: string
  try {
    out = execFileSync(
      join(root, 'node_modules/.bin/web-ext'),
      ['lint', '--source-dir', sourceDir, '--output', 'json', '--no-config-discovery'],
      { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
    )
  } catch (err) {
    out = (err as { stdout: string }).stdout
  }
  return JSON.parse(out)
}

/** PNG width and height, from its IHDR chunk. */
function pngSize(file: string): { width: number; height: number } {
  const bytes = readFileSync(file)
  expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG')
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) }
}

const scriptsOf = (browser: string) =>
  readdirSync(join(dist, browser)).filter((file) => file.endsWith('.js'))

describe('Firefox: web-ext lint on the build', () => {
  it('finds no error; its only warnings are Preact’s innerHTML path, which no component uses', () => {
    const report = webExtLint(join(dist, 'firefox'))
    expect(report.errors).toEqual([])
    // Preact's diff sets innerHTML for dangerouslySetInnerHTML; nothing here passes it.
    for (const warning of report.warnings) {
      expect(warning).toMatchObject({ code: 'UNSAFE_VAR_ASSIGNMENT' })
      const line = readFileSync(join(dist, 'firefox', warning.file ?? ''), 'utf8').split('\n')[
        (warning.line ?? 1) - 1
      ]
      expect(line?.slice(warning.column ?? 0, (warning.column ?? 0) + 40)).toMatch(/innerHTML/)
    }
    expect(report.warnings.map((w) => w.file).sort()).toEqual(['popup.js', 'prompt.js'])
    const sources = readdirSync(join(root, 'src'), { recursive: true, encoding: 'utf8' })
      .filter((file) => /\.tsx?$/.test(file))
      .filter((file) =>
        readFileSync(join(root, 'src', file), 'utf8').includes('dangerouslySetInnerHTML'),
      )
    expect(sources).toEqual([])
  }, 60_000)
})

describe('Chrome Web Store: what its review refuses', () => {
  const manifest = JSON.parse(readFileSync(join(dist, 'chrome/manifest.json'), 'utf8')) as {
    name: string
    description: string
    permissions: string[]
    icons: Record<string, string>
    action: { default_icon: Record<string, string> }
    content_security_policy: { extension_pages: string }
  }

  it('has a name, a description within 132 characters, and PNG icons of the sizes named', () => {
    expect(manifest.name.length).toBeGreaterThan(0)
    expect(manifest.name.length).toBeLessThanOrEqual(75)
    expect(manifest.description.length).toBeGreaterThan(20)
    expect(manifest.description.length).toBeLessThanOrEqual(132)
    expect(Object.keys(manifest.icons)).toEqual(expect.arrayContaining(['16', '48', '128']))
    for (const icons of [manifest.icons, manifest.action.default_icon])
      for (const [size, file] of Object.entries(icons))
        expect(pngSize(join(dist, 'chrome', file))).toEqual({
          width: Number(size),
          height: Number(size),
        })
  })

  it('the store zip has no key (the store refuses one); the unpacked build keeps it', () => {
    const zip = unzipSync(readFileSync(join(dist, `ghost-threads-chrome-${version}.zip`)))
    const packed = JSON.parse(new TextDecoder().decode(zip['manifest.json'])) as object
    expect(packed).not.toHaveProperty('key')
    expect(manifest).toHaveProperty('key')
    const { key: _key, ...rest } = manifest as typeof manifest & { key?: string }
    expect(packed).toEqual(rest)
    for (const icon of Object.values(manifest.icons)) expect(zip[icon]).toBeDefined()
  })

  it('runs no remote code and builds none from strings', () => {
    expect(manifest.content_security_policy.extension_pages).not.toMatch(/https?:|unsafe-eval/)
    for (const file of readdirSync(join(dist, 'chrome')).filter((f) => f.endsWith('.html'))) {
      const html = readFileSync(join(dist, 'chrome', file), 'utf8')
      expect({ file, remote: html.match(/<script[^>]+src=["']https?:/g) ?? [] }).toEqual({
        file,
        remote: [],
      })
    }
    for (const file of scriptsOf('chrome')) {
      const code = readFileSync(join(dist, 'chrome', file), 'utf8')
      const found = code.match(/\bnew Function\(|\beval\(|importScripts\(|import\(["'`]https?:/g)
      expect({ file, found: found ?? [] }).toEqual({ file, found: [] })
    }
  })

  it('uses every permission it asks for', () => {
    const code = scriptsOf('chrome')
      .map((file) => readFileSync(join(dist, 'chrome', file), 'utf8'))
      .join('\n')
    const used: Record<string, RegExp> = {
      offscreen: /\.offscreen\.createDocument\(/,
      storage: /\.storage\.(local|session)\b/,
    }
    for (const permission of manifest.permissions)
      expect({ permission, used: used[permission]?.test(code) ?? false }).toEqual({
        permission,
        used: true,
      })
  })
})
