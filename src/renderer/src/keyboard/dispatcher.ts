// The global key handler: matches key presses (and `g`-prefixed sequences) against the registry,
// never while the reviewer types in a field or a dialog holds the keyboard.
import { chordFromEvent } from './chords'
import { isEnabled, listCommands, type Command } from './registry'
import { modalOpen } from './layers'

const SEQUENCE_TIMEOUT_MS = 1500

export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false
  if (target.isContentEditable) return true
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true
  if (target instanceof HTMLInputElement) {
    return !['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color', 'file'].includes(target.type)
  }
  return false
}

/** Enter and Space on a button or link belong to that control, not to the page's shortcuts. */
function isActivationOnControl(chord: string, target: EventTarget | null): boolean {
  if (chord !== 'enter' && chord !== 'space') return false
  if (!(target instanceof HTMLElement)) return false
  return !!target.closest('button, a[href], input, select, textarea, summary, [role="button"], [role="switch"], [role="checkbox"], [role="tab"]')
}

export interface Dispatcher {
  handle(e: KeyboardEvent): void
  /** The first key of a pending sequence (`g`), for a hint on screen; null when none. */
  pendingPrefix(): string | null
}

export function createDispatcher(
  opts: {
    commands?: () => readonly Command[]
    blocked?: () => boolean
    now?: () => number
    onPendingChange?: (prefix: string | null) => void
  } = {},
): Dispatcher {
  const commands = opts.commands ?? listCommands
  const blocked = opts.blocked ?? modalOpen
  const now = opts.now ?? (() => performance.now())
  let pending: { prefix: string; at: number } | null = null

  const setPending = (p: typeof pending) => {
    pending = p
    opts.onPendingChange?.(p?.prefix ?? null)
  }
  const find = (binding: string) => commands().find((c) => c.keys.includes(binding) && isEnabled(c))

  return {
    pendingPrefix: () => pending?.prefix ?? null,
    handle(e) {
      if (e.defaultPrevented || e.isComposing || blocked()) return
      const chord = chordFromEvent(e)
      if (!chord) return
      const typing = isTypingTarget(e.target)
      const prefix = pending && now() - pending.at < SEQUENCE_TIMEOUT_MS ? pending.prefix : null
      if (pending) setPending(null)
      if (prefix && !typing) {
        const seq = find(`${prefix} ${chord}`)
        e.preventDefault()
        if (seq) seq.run({ source: 'key', event: e })
        return
      }
      if (isActivationOnControl(chord, e.target)) return
      const command = find(chord)
      if (command) {
        if (typing && !command.whileTyping) return
        e.preventDefault()
        command.run({ source: 'key', event: e })
        return
      }
      if (!typing && commands().some((c) => c.keys.some((k) => k.startsWith(`${chord} `)))) {
        e.preventDefault()
        setPending({ prefix: chord, at: now() })
      }
    },
  }
}
