/**
 * The relay's libp2p key, kept in a file so its peer id (and so the multiaddr users put in
 * their settings) survives restarts. The only thing the relay ever writes to disk.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import { GhostThreadsError } from '../core/errors.js'

export class RelayKeyFileError extends GhostThreadsError {
  static override name = 'RelayKeyFileError'
}

export async function loadOrCreatePeerKey(
  path: string,
): Promise<{ key: PrivateKey; created: boolean }> {
  let bytes: Uint8Array
  try {
    bytes = await readFile(path)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    const key = await generateKeyPair('Ed25519')
    await mkdir(dirname(path), { recursive: true })
    // 0600: whoever reads the key can impersonate the relay.
    await writeFile(path, privateKeyToProtobuf(key), { mode: 0o600, flag: 'wx' })
    return { key, created: true }
  }
  try {
    return { key: privateKeyFromProtobuf(bytes), created: false }
  } catch (err) {
    throw new RelayKeyFileError(
      `${path} is not a libp2p private key (${(err as Error).message}); move it away to create a new one, which changes the relay's address`,
    )
  }
}
