/**
 * A harness process of `bench:scale` or `bench:relay` (`scale/<file>`), forked with tsx: its
 * messages go to `onMessage`, an exit the harness did not ask for to `onExit`; resolves
 * once it says it is ready. `lowPriority` runs it at nice 10, so that on a small machine
 * the relay, not the load it is given, is what runs out of CPU first (bench:relay).
 */
import { type ChildProcess, fork } from 'node:child_process'
import { setPriority } from 'node:os'

/** nice 10: the load generators yield the CPU to the relay when both want it. */
const LOAD_NICENESS = 10

export interface MemberProcessInit<M> {
  /** CPU profiles go to this folder (SCALE_PROF). */
  profileDir?: string
  onMessage: (message: M) => void
  /** The process exited (`why`: its signal or exit code); the harness decides whether that is a failure. */
  onExit: (why: string) => void
  lowPriority?: boolean
}

export function startMemberProcess<M extends { type: string }>(
  file: 'worker.ts' | 'light.ts' | 'background.ts',
  init: MemberProcessInit<M>,
): Promise<ChildProcess> {
  const child = fork(new URL(`./${file}`, import.meta.url).pathname, [], {
    execArgv: [
      '--import',
      'tsx',
      '--no-warnings',
      ...(init.profileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${init.profileDir}`]),
    ],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  if (init.lowPriority === true && child.pid !== undefined) setPriority(child.pid, LOAD_NICENESS)
  child.on('message', init.onMessage)
  child.once('exit', (code, signal) => init.onExit(signal ?? `code ${code}`))
  return new Promise((resolve) =>
    child.once('message', (message: M) => message.type === 'ready' && resolve(child)),
  )
}
