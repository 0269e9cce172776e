// Native ESM (run with --experimental-vm-modules, see package.json): libp2p, did-jwt and
// multiformats ship ESM only, so nothing in node_modules is transformed; @swc/jest only
// strips our TypeScript. Imports are written with `.js` as NodeNext wants; the mapper
// points them back at the `.ts` sources.
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts', '.tsx'],
  transform: {
    '^.+\\.tsx?$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', tsx: true },
          target: 'es2022',
          transform: { react: { runtime: 'automatic', importSource: 'preact' } },
        },
        module: { type: 'es6' },
      },
    ],
  },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testMatch: ['<rootDir>/test/**/*.test.ts', '<rootDir>/test/**/*.test.tsx'],
  testTimeout: 20_000,
  setupFiles: ['<rootDir>/test/setup-globals.ts'],
}
