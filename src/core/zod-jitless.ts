/**
 * zod without its JIT, imported (for this effect) by every module that builds a schema.
 * zod compiles object schemas with the Function constructor where the context allows eval;
 * an extension's pages forbid it (their CSP: the probe alone is reported as a violation),
 * a dapp's page may, and the stores' linters refuse the constructor in a bundle (web-ext
 * lint: DANGEROUS_EVAL). The build takes the constructor's text out of zod too
 * (tools/zod-jitless-loader.cjs).
 *
 * A module of its own, exporting nothing: modules keep `import { z } from 'zod'`, which
 * webpack can shake; re-exporting `z` from here kept all of zod's schemas in every bundle
 * (the host grew by 220 KiB).
 */
import { globalConfig } from 'zod/v4/core'

globalConfig.jitless = true
