// The relay container's healthcheck: reads the /healthz URL the relay wrote at start
// (--health-file), so it follows whatever --http-port and --http-host the container was
// given, and exits 0 when the relay answers 200. No file yet: still starting (unhealthy
// until the start period ends). "off": the HTTP side was turned off; the process is alive.
import { readFileSync } from 'node:fs'

const file = process.argv[2] ?? '/tmp/ghost-relay-health'
let url
try {
  url = readFileSync(file, 'utf8').trim()
} catch {
  console.error(`no ${file}: the relay has not started serving`)
  process.exit(1)
}
if (url === 'off') process.exit(0)
try {
  const response = await fetch(url, { signal: AbortSignal.timeout(2_500) })
  process.exit(response.ok ? 0 : 1)
} catch (err) {
  console.error(`${url}: ${err.message}`)
  process.exit(1)
}
