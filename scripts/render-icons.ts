/**
 * Renders the extension's icons (extension/icons/icon-<size>.png, what the manifests and
 * the stores ask for) from extension/icons/icon.svg with Debian's Chromium. The PNGs are
 * committed; run this (`npx tsx scripts/render-icons.ts`) after changing the drawing.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ICONS } from '../extension/manifest.js'
import { launchPlainChromium } from '../tools/extension-browser.js'

const extension = join(import.meta.dirname, '../extension')
const svg = readFileSync(join(extension, 'icons/icon.svg'), 'utf8')

const browser = await launchPlainChromium()
try {
  const page = await browser.newPage()
  for (const [side, file] of Object.entries(ICONS)) {
    const size = Number(side)
    await page.setViewportSize({ width: size, height: size })
    await page.setContent(
      `<style>html,body{margin:0;background:transparent}svg{display:block;width:${size}px;height:${size}px}</style>${svg}`,
    )
    const png = await page.screenshot({ omitBackground: true, type: 'png' })
    writeFileSync(join(extension, file), png)
  }
} finally {
  await browser.close()
}
