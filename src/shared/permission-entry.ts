export type Decision = 'allow' | 'deny'

/** One remembered decision of the user: this origin may (or may not) use this space. */
export interface PermissionEntry {
  origin: string
  space: string
  decision: Decision
  at: number
}
