// The one keymap registry: every command a reviewer can run, with its keys. The global key
// dispatcher, the command palette and the `?` overlay all read this list, so they cannot disagree.
import { useSyncExternalStore } from 'react'

export type Section = 'Navigate' | 'Filter' | 'Decide' | 'Select' | 'Review' | 'Go to' | 'General'
export const SECTIONS: readonly Section[] = ['Navigate', 'Filter', 'Decide', 'Select', 'Review', 'Go to', 'General']

export interface RunContext {
  source: 'key' | 'palette'
  /** The key press that ran the command, when it was one (its timeStamp starts latency marks). */
  event?: KeyboardEvent
}

export interface Command {
  id: string
  title: string
  section: Section
  /** Chords as `chordFromEvent` spells them: `j`, `shift+e`, `mod+k`, `?`; sequences as `g i`. */
  keys: readonly string[]
  /** False when the command makes no sense right now: it neither fires nor shows in the palette. */
  enabled?: () => boolean
  /** Fires even while the focus is in a text field — only for chords with a modifier. */
  whileTyping?: boolean
  /** False keeps it out of the palette (still listed in the `?` overlay). */
  palette?: boolean
  /** The view whose own command this is (its keys only work there); the `?` overlay groups by it. */
  view?: string
  run: (ctx: RunContext) => void
}

const commands = new Map<string, Command>()
let snapshot: readonly Command[] = []
const listeners = new Set<() => void>()

function publish() {
  snapshot = [...commands.values()]
  for (const l of listeners) l()
}

/** Adds (or replaces, by id) commands; returns a function that removes them again. */
export function registerCommands(defs: readonly Command[]): () => void {
  for (const d of defs) commands.set(d.id, d)
  publish()
  return () => {
    for (const d of defs) if (commands.get(d.id) === d) commands.delete(d.id)
    publish()
  }
}

export function listCommands(): readonly Command[] {
  return snapshot
}

export function getCommand(id: string): Command | undefined {
  return commands.get(id)
}

export function isEnabled(c: Command): boolean {
  return c.enabled ? c.enabled() : true
}

/** Runs a command by id if it is enabled now; false when it is unknown or disabled. */
export function runCommand(id: string, ctx: RunContext = { source: 'palette' }): boolean {
  const c = commands.get(id)
  if (!c || !isEnabled(c)) return false
  c.run(ctx)
  return true
}

export function useCommands(): readonly Command[] {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l)
      return () => listeners.delete(l)
    },
    () => snapshot,
  )
}
