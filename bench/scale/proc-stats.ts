/**
 * What a process costs, read from /proc (Linux): CPU time (user + system), resident
 * memory, and bytes through its read/write calls, sockets included. Readings are taken
 * twice and subtracted, so the figures cover one phase of a benchmark.
 */
import { readFileSync } from 'node:fs'

/** Linux's USER_HZ: /proc/<pid>/stat counts CPU time in these ticks on every common system. */
const TICKS_PER_SECOND = 100

export interface ProcReading {
  atMs: number
  cpuMs: number
  /** Of `cpuMs`, the kernel's (sockets: over loopback the sender's kernel also delivers). */
  systemMs: number
  rssBytes: number
  readBytes: number
  writtenBytes: number
}

export function readProc(pid: number): ProcReading {
  // Fields after the command name (which may hold spaces), counted from 3.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  const ticks = Number(fields[11]) + Number(fields[12]) // utime, stime (fields 14, 15)
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0)
  const io = readFileSync(`/proc/${pid}/io`, 'utf8')
  return {
    atMs: Date.now(),
    cpuMs: (ticks / TICKS_PER_SECOND) * 1000,
    systemMs: (Number(fields[12]) / TICKS_PER_SECOND) * 1000,
    rssBytes: rssKb * 1024,
    readBytes: Number(/rchar:\s+(\d+)/.exec(io)?.[1] ?? 0),
    writtenBytes: Number(/wchar:\s+(\d+)/.exec(io)?.[1] ?? 0),
  }
}

/** CPU used between two readings, in % of one core. */
export function cpuPercent(from: ProcReading, to: ProcReading): number {
  return (100 * (to.cpuMs - from.cpuMs)) / Math.max(1, to.atMs - from.atMs)
}

/** Bytes the process read and wrote per second between two readings. */
export function bytesPerSecond(from: ProcReading, to: ProcReading): number {
  const bytes = to.readBytes - from.readBytes + (to.writtenBytes - from.writtenBytes)
  return (bytes * 1000) / Math.max(1, to.atMs - from.atMs)
}
