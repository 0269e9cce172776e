export type Decision = 'allow' | 'deny'

/** One remembered decision of the user: this origin may (or may not) use this space. */
export interface PermissionEntry {
  origin: string
  space: string
  decision: Decision
  at: number
  /** Relays the site named for the space and the user allowed with it. */
  relays?: string[]
  /** The account of the wallet link the user made on this site for the space. */
  linkedAddress?: string
}
