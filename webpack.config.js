import { readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import CopyPlugin from 'copy-webpack-plugin'
import { zipSync } from 'fflate'
import webpack from 'webpack'
import { chromeManifest, firefoxManifest } from './extension/manifest.js'

const root = dirname(fileURLToPath(import.meta.url))
const pkg = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8'))

/**
 * Builds for browsers:
 * - dist/lib: the environment-free core as an ES module library (it also proves the core
 *   bundles with no Node built-ins: every fallback is `false`, so an accidental `node:`
 *   import fails the build), and `ghost-threads-web.js`, the in-page SDK (`connect()`).
 * - dist/chrome and dist/firefox: the extension, one classic script per context (service
 *   worker and content scripts cannot load chunks), plus dist/ghost-threads-<browser>-<v>.zip.
 */

const resolveOptions = {
  extensions: ['.ts', '.tsx', '.js'],
  // Sources import './x.js' as NodeNext wants; the file on disk is x.ts.
  extensionAlias: { '.js': ['.ts', '.tsx', '.js'] },
  conditionNames: ['browser', 'import', 'module', 'default'],
  fallback: { crypto: false, fs: false, path: false, os: false, stream: false, buffer: false },
}

const typescript = {
  test: /\.tsx?$/,
  exclude: /node_modules/,
  use: {
    loader: 'swc-loader',
    options: {
      jsc: {
        parser: { syntax: 'typescript', tsx: true },
        target: 'es2022',
        transform: { react: { runtime: 'automatic', importSource: 'preact' } },
      },
    },
  },
}

/** zod's core without the Function constructor's text (tools/zod-jitless-loader.cjs). */
const zodJitless = {
  test: /[\\/]zod[\\/]v4[\\/]core[\\/](util|doc)\.js$/,
  use: resolve(root, 'tools/zod-jitless-loader.cjs'),
}

const common = (mode) => ({
  mode,
  target: ['web', 'es2022'],
  devtool: false,
  resolve: resolveOptions,
  // Dynamic imports inlined: an extension's service worker cannot load chunks (viem has a
  // few, for features we do not use).
  module: {
    rules: [typescript, zodJitless],
    parser: { javascript: { dynamicImportMode: 'eager' } },
  },
  performance: { hints: false },
  stats: 'errors-warnings',
})

/** Writes the manifest, and zips everything the build emitted into one package. */
class ExtensionPackage {
  constructor(browser, manifest) {
    this.browser = browser
    this.manifest = manifest
  }

  apply(compiler) {
    const { RawSource } = compiler.webpack.sources
    compiler.hooks.thisCompilation.tap('ExtensionPackage', (compilation) => {
      compilation.hooks.processAssets.tap(
        { name: 'ExtensionPackage', stage: webpack.Compilation.PROCESS_ASSETS_STAGE_ADDITIONAL },
        () => {
          compilation.emitAsset(
            'manifest.json',
            new RawSource(`${JSON.stringify(this.manifest, null, 2)}\n`),
          )
        },
      )
      compilation.hooks.processAssets.tap(
        { name: 'ExtensionPackage', stage: webpack.Compilation.PROCESS_ASSETS_STAGE_REPORT },
        (assets) => {
          const files = {}
          for (const [name, source] of Object.entries(assets)) {
            files[name] = new Uint8Array(source.buffer())
          }
          // The store package has no `key`: the Chrome Web Store refuses one (it gives the
          // item its own id); the unpacked build keeps it to pin the development id.
          const { key: _key, ...storeManifest } = this.manifest
          files['manifest.json'] = new TextEncoder().encode(
            `${JSON.stringify(storeManifest, null, 2)}\n`,
          )
          const zip = zipSync(files, { level: 9, mtime: '2026-01-01' })
          compilation.emitAsset(
            `../ghost-threads-${this.browser}-${pkg.version}.zip`,
            new RawSource(Buffer.from(zip)),
          )
        },
      )
    })
  }
}

const extension = (browser, mode) => ({
  ...common(mode),
  name: browser,
  entry: {
    background:
      browser === 'chrome' ? './src/background/chrome-main.ts' : './src/background/firefox-main.ts',
    ...(browser === 'chrome' ? { offscreen: './src/host/offscreen-main.ts' } : {}),
    content: './src/content/index.ts',
    inpage: './src/inpage/index.ts',
    prompt: './src/prompt/main.tsx',
    popup: './src/popup/main.tsx',
  },
  output: {
    path: resolve(root, 'dist', browser),
    filename: '[name].js',
    // No automatic publicPath: a service worker has no document.currentScript.
    publicPath: '',
    clean: true,
  },
  optimization: { splitChunks: false, runtimeChunk: false },
  plugins: [
    new CopyPlugin({
      patterns: [
        {
          from: 'extension',
          globOptions: {
            ignore: [
              '**/*.js',
              '**/*.ts',
              '**/*.svg',
              ...(browser === 'chrome' ? [] : ['**/offscreen.html']),
            ],
          },
        },
      ],
    }),
    new ExtensionPackage(
      browser,
      browser === 'chrome' ? chromeManifest(pkg) : firefoxManifest(pkg),
    ),
  ],
})

/**
 * The relay as one plain JavaScript file for Node ≥ 22 (dist/relay/ghost-threads-relay.mjs):
 * no tsx, no node_modules at run time (the Dockerfile ships this file alone). Tree-shaken:
 * of ethers and viem only the signature checks a relay runs on wallet links stay.
 */
const relay = (mode) => ({
  ...common(mode),
  name: 'relay',
  target: 'node22',
  resolve: {
    ...resolveOptions,
    conditionNames: ['node', 'import', 'module', 'default'],
    fallback: {},
  },
  entry: { 'ghost-threads-relay': './src/relay/main.ts' },
  output: {
    path: resolve(root, 'dist/relay'),
    filename: '[name].mjs',
    module: true,
    chunkFormat: 'module',
    library: { type: 'module' },
    clean: true,
  },
  experiments: { outputModule: true },
  optimization: { splitChunks: false, runtimeChunk: false, minimize: false },
  // ws's optional native speed-ups: it runs without them (and a bundle cannot carry them).
  externals: { bufferutil: 'commonjs bufferutil', 'utf-8-validate': 'commonjs utf-8-validate' },
  externalsType: 'commonjs',
})

export default (_env, argv) => {
  const mode = argv.mode ?? 'production'
  return [
    {
      ...common(mode),
      name: 'lib',
      // The core alone, `ghost-threads/web` (connect(): the extension's provider, or the
      // host in the page) and `ghost-threads/widget` (<ghost-chat>), which imports the SDK
      // from `ghost-threads/web` rather than carrying a second copy of the host.
      entry: {
        'ghost-threads-core': './src/core/index.ts',
        'ghost-threads-web': './src/web/index.ts',
        'ghost-threads-widget': './src/widget/index.ts',
      },
      externalsType: 'module',
      externals: ({ context, request }, callback) =>
        /[\\/]src[\\/]widget$/.test(context ?? '') && request === '../web/index.js'
          ? callback(null, 'ghost-threads/web')
          : callback(),
      output: {
        path: resolve(root, 'dist/lib'),
        filename: '[name].js',
        library: { type: 'module' },
        clean: true,
      },
      experiments: { outputModule: true },
      // One file each: a dapp loads the SDK with one import.
      optimization: { splitChunks: false, runtimeChunk: false },
    },
    extension('chrome', mode),
    extension('firefox', mode),
    relay(mode),
  ]
}
