/**
 * The patched yamux race (patches/): a stream opened as its connection closes must not
 * crash the process. Run in a child process, as the crash takes the whole process down.
 */
import { spawnSync } from 'node:child_process'
import { describe, expect, it } from '@jest/globals'
import { TSX_ARGS } from '../helpers/relay-process.js'

describe('a yamux stream opened as its connection closes', () => {
  it('leaves the Node process running', () => {
    const run = spawnSync(process.execPath, [...TSX_ARGS, 'test/fixtures/yamux-close-race.ts'], {
      encoding: 'utf8',
      timeout: 30_000,
    })
    expect({ status: run.status, stdout: run.stdout.trim(), stderr: run.stderr }).toEqual({
      status: 0,
      stdout: 'survived',
      stderr: '',
    })
  }, 40_000)
})
