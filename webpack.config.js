import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = dirname(fileURLToPath(import.meta.url))

/**
 * Builds for browsers. Today: the environment-free core as an ES module library, which
 * also proves the core bundles with no Node built-ins (every fallback is `false`, so an
 * accidental `node:` import fails the build). The extension contexts join as entries
 * when they exist.
 */
export default (_env, argv) => ({
  mode: argv.mode ?? 'production',
  target: ['web', 'es2022'],
  devtool: false,
  entry: { 'ghost-threads-core': './src/core/index.ts' },
  output: {
    path: resolve(root, 'dist/lib'),
    filename: '[name].js',
    library: { type: 'module' },
    clean: true,
  },
  experiments: { outputModule: true },
  resolve: {
    extensions: ['.ts', '.tsx', '.js'],
    // Sources import './x.js' as NodeNext wants; the file on disk is x.ts.
    extensionAlias: { '.js': ['.ts', '.tsx', '.js'] },
    conditionNames: ['browser', 'import', 'module', 'default'],
    fallback: { crypto: false, fs: false, path: false, os: false, stream: false, buffer: false },
  },
  module: {
    rules: [
      {
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
      },
    ],
  },
  performance: { hints: false },
  stats: 'errors-warnings',
})
