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
