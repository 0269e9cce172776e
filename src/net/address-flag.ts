/**
 * A multiaddr given on a command line (`--relay`, `--peer`, `--announce`), checked before
 * anything starts: what is wrong with it in one line with a correct example, where the
 * multiaddr library said `String multiaddr must start with "/"` (issue 22).
 */
import { multiaddr } from '@multiformats/multiaddr'

/** An example of each kind of address a flag takes. */
export const ADDRESS_EXAMPLES = {
  relay: '/ip4/127.0.0.1/tcp/4040/ws/p2p/12D3KooW…',
  announce: '/dns4/relay.example.com/tcp/443/wss',
} as const

/** Why `value` is not an address `--name` takes, or undefined when it is one. */
export function addressProblem(
  name: string,
  value: string,
  needsPeerId: boolean,
): string | undefined {
  try {
    const parsed = multiaddr(value)
    if (!needsPeerId || parsed.getComponents().some((part) => part.name === 'p2p')) return undefined
  } catch {
    // Reported below.
  }
  const example = needsPeerId ? ADDRESS_EXAMPLES.relay : ADDRESS_EXAMPLES.announce
  return `--${name} takes a multiaddr${needsPeerId ? " ending in the relay's /p2p/<peer id> (the relay prints it)" : ''}, e.g. ${example}, not "${value}"`
}
