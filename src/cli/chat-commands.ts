/**
 * What a typed line means in the terminal peer: a post, or one of the slash commands.
 * Pure parsing, so it is tested without a network.
 */
import { TERMINAL_LINE_LIMIT } from './constants.js'
export type ChatCommand =
  | { kind: 'post'; text: string }
  | { kind: 'dm'; to: string; text: string }
  | { kind: 'members' }
  | { kind: 'help' }
  | { kind: 'quit' }
  | { kind: 'none' }
  | { kind: 'error'; message: string }

export const HELP = [
  'type a line and press enter to post it to the room',
  '/dm <did> <text>   send <text> to one member only',
  '/members           list who is online',
  '/quit              leave the room and exit',
].join('\n')

/**
 * `typed`: the line came from a terminal, which ends a line at TERMINAL_LINE_LIMIT and
 * drops the rest unsaid (issue 22): a line that long was most likely cut, so it is refused
 * rather than posted as if whole.
 */
export function parseChatLine(line: string, { typed = false } = {}): ChatCommand {
  if (typed && line.length >= TERMINAL_LINE_LIMIT) {
    return {
      kind: 'error',
      message: `not sent: the terminal cuts a typed line at ${TERMINAL_LINE_LIMIT.toLocaleString('en')} characters, so this one may be cut; send it in parts, or pipe it in (echo "…" | ghost-threads chat …)`,
    }
  }
  const text = line.trim()
  if (text === '') return { kind: 'none' }
  if (!text.startsWith('/')) return { kind: 'post', text }
  const [command = '', ...rest] = text.split(/\s+/)
  switch (command) {
    case '/dm': {
      const [to, ...words] = rest
      if (to === undefined || !to.startsWith('did:') || words.length === 0)
        return { kind: 'error', message: 'usage: /dm <did> <text> (see /members for DIDs)' }
      return { kind: 'dm', to, text: text.slice(text.indexOf(to) + to.length).trim() }
    }
    case '/members':
      return { kind: 'members' }
    case '/help':
      return { kind: 'help' }
    case '/quit':
    case '/exit':
      return { kind: 'quit' }
    default:
      return { kind: 'error', message: `unknown command ${command}; try /help` }
  }
}
