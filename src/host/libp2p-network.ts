/**
 * The host's real network: browser-role libp2p nodes (WebSockets to the relays, circuit
 * relay v2, WebRTC to room peers), one per space in use so that a user's spaces cannot be
 * linked on the wire (space-network.ts), with the core on top. Relay changes from the
 * settings apply to the running nodes; rooms stay open.
 */
import type { Identity } from '../core/identity.js'
import { SpaceNetwork } from '../net/space-network.js'
import type { Settings } from '../shared/settings.js'
import type { HostNetwork } from './ghost-host.js'

export async function startLibp2pNetwork(
  identity: Identity,
  settings: Settings,
  /** Off where the browser has no RTCPeerConnection (some in-app browsers): relays only. */
  webrtc = true,
): Promise<HostNetwork> {
  const network = new SpaceNetwork({
    identity,
    relays: settings.relays,
    webrtc,
    allowPrivateAddresses: settings.allowPrivateAddresses,
    localSiteRelays: settings.localSiteRelays,
  })
  const nodes = () => [...network.nodes().values()]
  return {
    ghost: network,
    openSpaceWith: (space, siteRelays) => network.openSpaceWith(space, siteRelays),
    applySettings: (next) => network.setRelays(next.relays, next.localSiteRelays),
    status: () => ({
      peerIds: nodes().map((node) => node.libp2p.peerId.toString()),
      relays: network.relayList(),
      connections: nodes().reduce((sum, node) => sum + node.libp2p.getConnections().length, 0),
      directPeers: nodes().reduce((sum, node) => sum + node.dialer.directPeers().length, 0),
    }),
    roomLink: (thread) => network.roomLink(thread),
    redial: () => network.redialNow(),
    stop: () => network.stop(),
  }
}
