/**
 * A page's `openSpace`: the permission flow, in the router's context. The user is asked
 * once per origin and space (a prompt window, like a wallet's connect prompt), and again
 * when the site names relays the user has not allowed it yet (like a wallet asked to add a
 * chain); a Deny is remembered, a dismissed prompt counts as a refusal for a while, and a
 * site may name relays on the user's own computer or network only when the user lets it.
 */

import {
  LocalRelayError,
  PromptPendingError,
  resultOf,
  UserRejectedError,
} from '../shared/errors.js'
import { localRelays } from '../shared/local-relays.js'
import { PROMPT_DISMISSED_MS } from './constants.js'
import type { RouterInit } from './router.js'

export class OpenSpaceFlow {
  constructor(
    private readonly init: Pick<RouterInit, 'permissions' | 'prompts' | 'settings' | 'host'>,
  ) {}

  /** A site may name relays on the user's computer or network only if the user lets it. */
  private async assertSiteRelaysAllowed(origin: string, relays: string[]): Promise<void> {
    const local = localRelays(relays)
    if (local.length === 0 || (await this.init.settings()).localSiteRelays) return
    throw new LocalRelayError(
      `${origin} named ${local.length === 1 ? 'a relay' : 'relays'} on this computer or its local network (${local.join(', ')}); Ghost Threads lets sites use those only when the user turns on "Sites may name relays on this computer or network" in its Settings. Name public wss:// relays instead, or none to use the user's own`,
    )
  }

  /**
   * Asks the user once per origin and space, and again when the site names relays the
   * user has not allowed it yet (like a wallet asked to add a chain).
   */
  async open(
    origin: string,
    space: string,
    relays: string[] = [],
  ): Promise<{ space: string; did: string }> {
    await this.assertSiteRelaysAllowed(origin, relays)
    const decision = await this.init.permissions.decision(origin, space)
    if (decision === 'deny') {
      throw new UserRejectedError(
        `The user denied ${origin} the space "${space}"; they can change this in the Ghost Threads popup`,
      )
    }
    const did = await resultOf(this.init.host.did({ space }))
    const granted = (await this.init.permissions.grant(origin, space)).relays
    const unseen = relays.filter((relay) => !granted.includes(relay))
    if (decision === 'allow' && unseen.length === 0) return { space, did }
    const asked = [...granted, ...unseen]
    const answer = await this.init.prompts.ask({ origin, space, did, relays: asked })
    if (answer === 'busy') {
      throw new PromptPendingError(
        `${origin} already has a permission prompt open; wait for the user's answer to it before asking for "${space}"`,
      )
    }
    if (answer === 'dismissed') {
      throw new UserRejectedError(
        `The user closed the prompt without allowing the space "${space}"; it counts as a refusal for ${PROMPT_DISMISSED_MS / 1000} s, ask again after that (best from a user's click)`,
      )
    }
    if (answer === 'deny' && decision === 'allow') {
      // Allowed before, without these relays: the grant stands, the relays do not.
      throw new UserRejectedError(
        `The user did not allow ${origin} the relays ${unseen.join(', ')}; call openSpace("${space}") without them to chat through the user's own relays`,
      )
    }
    await this.init.permissions.decide(origin, space, answer, answer === 'allow' ? asked : [])
    if (answer === 'deny') {
      throw new UserRejectedError(
        `The user denied ${origin} the space "${space}"; they can change this in the Ghost Threads popup`,
      )
    }
    return { space, did }
  }
}
