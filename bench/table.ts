/** Prints benchmark rows as an aligned text table. */
export interface Row {
  measure: string
  result: string
  target: string
  verdict: string
}

export function printTable(title: string, rows: Row[]): void {
  const headers: Row = { measure: 'measure', result: 'result', target: 'target', verdict: 'ok?' }
  const keys = Object.keys(headers) as (keyof Row)[]
  const widths = keys.map((key) => Math.max(...[headers, ...rows].map((row) => row[key].length)))
  const line = (row: Row) =>
    `| ${keys.map((key, i) => row[key].padEnd(widths[i] ?? 0)).join(' | ')} |`
  console.log(`\n${title}\n`)
  console.log(line(headers))
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`)
  for (const row of rows) console.log(line(row))
}

export function perSecond(count: number, ms: number): number {
  return Math.round((count / ms) * 1000)
}

export function atLeast(
  value: number,
  target: number,
  unit: string,
): Pick<Row, 'result' | 'target' | 'verdict'> {
  return {
    result: `${value.toLocaleString('en')} ${unit}`,
    target: target > 0 ? `≥ ${target.toLocaleString('en')} ${unit}` : '(reported)',
    verdict: target > 0 ? (value >= target ? 'yes' : 'NO') : '-',
  }
}

/** The `p`-th percentile (0–100) of `values`, nearest rank; NaN when empty. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[rank] as number
}

export function atMost(
  value: number,
  target: number,
  unit: string,
): Pick<Row, 'result' | 'target' | 'verdict'> {
  return {
    result: `${Number.isNaN(value) ? 'n/a' : value.toLocaleString('en', { maximumFractionDigits: 1 })} ${unit}`,
    target: target > 0 ? `≤ ${target.toLocaleString('en')} ${unit}` : '(reported)',
    verdict: target > 0 ? (value <= target ? 'yes' : 'NO') : '-',
  }
}

/** A count that must be zero (messages lost): shown as such, with a verdict. */
export function none(value: number, unit: string): Pick<Row, 'result' | 'target' | 'verdict'> {
  return {
    result: `${value.toLocaleString('en')} ${unit}`,
    target: `0 ${unit}`,
    verdict: value === 0 ? 'yes' : 'NO',
  }
}

/** A table with columns of one's own: `rows` are cells in the order of `headers`. */
export function printColumns(title: string, headers: string[], rows: string[][]): void {
  const widths = headers.map((header, i) =>
    Math.max(header.length, ...rows.map((row) => (row[i] ?? '').length)),
  )
  const line = (cells: string[]) =>
    `| ${headers.map((_, i) => (cells[i] ?? '').padEnd(widths[i] ?? 0)).join(' | ')} |`
  console.log(`\n${title}\n`)
  console.log(line(headers))
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`)
  for (const row of rows) console.log(line(row))
}
