/**
 * The host's real network: one browser-role libp2p node (WebSockets to the relays,
 * circuit relay v2, WebRTC to room peers) with the core on top. Relay changes from the
 * settings apply to the running node; rooms stay open.
 */
import type { Identity } from '../core/identity.js'
import { startGhostNode } from '../net/ghost-node.js'
import type { Settings } from '../shared/settings.js'
import type { HostNetwork } from './ghost-host.js'

export async function startLibp2pNetwork(
  identity: Identity,
  settings: Settings,
): Promise<HostNetwork> {
  const node = await startGhostNode({
    identity,
    relays: settings.relays,
    webrtc: true,
    allowPrivateAddresses: settings.allowPrivateAddresses,
  })
  return {
    ghost: node.ghost,
    applySettings: (next) => node.relays.setRelays(next.relays),
    status: () => ({
      peerId: node.libp2p.peerId.toString(),
      relays: node.relays.list(),
      connections: node.libp2p.getConnections().length,
      directPeers: node.dialer.directPeers().length,
    }),
    directSubscribers: (topic) => {
      const direct = new Set(node.dialer.directPeers())
      return node.transport.subscribers(topic).filter((peer) => direct.has(peer)).length
    },
    redial: () => node.relays.redialNow(),
    stop: () => node.stop(),
  }
}
