/**
 * One relay per key file. Two relays started from the same directory would load the same
 * `.ghost-threads-relay.key`, so they would be one peer id, and `--peer` from one to the
 * other meshes nothing, silently. The relay holds `<key file>.lock` (its pid) while it
 * runs; a lock whose process is gone is taken over.
 */
import { readFile, unlink, writeFile } from 'node:fs/promises'
import { GhostThreadsError } from '../core/errors.js'

export class RelayConfigError extends GhostThreadsError {
  static override name = 'RelayConfigError'
}

export async function lockKeyFile(keyFile: string): Promise<() => Promise<void>> {
  const lock = `${keyFile}.lock`
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(lock, String(process.pid), { flag: 'wx', mode: 0o600 })
      let released = false
      return async () => {
        if (released) return
        released = true
        await unlink(lock).catch(() => undefined)
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
      const holder = Number((await readFile(lock, 'utf8').catch(() => '')).trim())
      // Our own pid: a container restarted as pid 1 again, after an unclean stop.
      if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && isRunning(holder)) {
        throw new RelayConfigError(
          `another relay (pid ${holder}) is running with the key file ${keyFile}: two relays on one key are one peer and cannot mesh; give this one its own --key-file`,
        )
      }
      // Left by a relay that died: take it over.
      await unlink(lock).catch(() => undefined)
    }
  }
  throw new RelayConfigError(`could not lock ${keyFile}.lock; remove it if no relay is running`)
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}
