/**
 * A webpack loader for zod's core: takes the Function constructor out of the bundle. The
 * code runs jitless (src/core/zod.ts) and never reaches it, but its text alone makes
 * web-ext lint warn (DANGEROUS_EVAL) and store reviewers ask. Each replacement must find
 * its text: a zod release that moved it fails the build here instead of shipping it.
 */
const REPLACEMENTS = {
  'util.js': [['new F("");', 'throw new Error("zod runs jitless in Ghost Threads");']],
  'doc.js': [['const F = Function;', 'throw new Error("zod runs jitless in Ghost Threads");']],
}

module.exports = function zodJitless(source) {
  const file = this.resourcePath.split(/[\\/]/).pop()
  let out = source
  for (const [from, to] of REPLACEMENTS[file] ?? []) {
    if (!out.includes(from))
      throw new Error(`zod-jitless-loader: "${from}" not found in zod's ${file}; update the loader`)
    out = out.replace(from, to)
  }
  return out
}
