/**
 * A benchmark stopped by `timeout` or ^C exits as if it had ended, so that what it started
 * ends with it (relay processes are killed on exit: test/helpers/relay-process.ts). Node
 * runs no `exit` listener when a signal kills it.
 */
for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const)
  process.once(signal, () => process.exit(code))
