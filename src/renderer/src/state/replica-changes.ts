// The one way anything on screen re-reads the replica when the core says tables changed (after a
// sync page, after queueing an intent): a registry of re-readers, each keyed by the tables it reads.
// A first sync sends many changes at once: each re-reader runs at once on the first change of a
// burst, then at most once per window, and is handed every table that changed meanwhile.
import { useEffect } from 'react'
import { on } from './api'

/** The tables a re-reader reads, or every table (lists whose reads join most of the replica). */
export type Tables = ReadonlySet<string> | 'any'

/** Stands for every table: nothing can be ruled out (the core restarted; an event may have been lost). */
export const EVERY_TABLE = '*'

const DEFAULT_WINDOW_MS = 300

/** How long after a re-read the next may start: fixed, or read when a change comes (it can follow state). */
export type Window = number | (() => number)

interface Rereader {
  tables: Tables
  reread: (changed: ReadonlySet<string>) => void
  windowMs: Window
  changed: Set<string>
  timer: ReturnType<typeof setTimeout> | null
  lastRun: number
}

const rereaders = new Set<Rereader>()
let stopListening: (() => void) | null = null

function schedule(r: Rereader): void {
  if (r.timer) return
  const windowMs = typeof r.windowMs === 'number' ? r.windowMs : r.windowMs()
  const wait = Math.max(0, r.lastRun + windowMs - performance.now())
  r.timer = setTimeout(() => {
    r.timer = null
    r.lastRun = performance.now()
    const changed = r.changed
    r.changed = new Set()
    r.reread(changed)
  }, wait)
}

function dispatch(tables: readonly string[]): void {
  const everything = tables.includes(EVERY_TABLE)
  for (const r of rereaders) {
    const relevant = r.tables === 'any' || everything ? tables : tables.filter((t) => (r.tables as ReadonlySet<string>).has(t))
    if (relevant.length === 0) continue
    for (const t of relevant) r.changed.add(t)
    schedule(r)
  }
}

/**
 * Calls `reread` after changes to any of `tables` (coalesced, see above) until the returned function
 * is called. Lists the reviewer acts on pass a shorter window, so a decided row leaves sooner.
 */
export function onReplicaChange(
  tables: Tables,
  reread: (changed: ReadonlySet<string>) => void,
  windowMs: Window = DEFAULT_WINDOW_MS,
): () => void {
  const r: Rereader = { tables, reread, windowMs, changed: new Set(), timer: null, lastRun: -Infinity }
  rereaders.add(r)
  stopListening ??= on('data.changed', (p) => dispatch(p.tables))
  return () => {
    rereaders.delete(r)
    if (r.timer) clearTimeout(r.timer)
    if (rereaders.size === 0 && stopListening) {
      stopListening()
      stopListening = null
    }
  }
}

/** Every re-reader runs, as after a change to every table (a change may have had no event). */
export function rereadEverything(): void {
  dispatch([EVERY_TABLE])
}

/** `onReplicaChange` for as long as a component is mounted. */
export function useReplicaChanges(
  tables: Tables,
  reread: (changed: ReadonlySet<string>) => void,
  windowMs = DEFAULT_WINDOW_MS,
): void {
  useEffect(
    () => onReplicaChange(tables, reread, windowMs),
    // Module-level tables and actions at every call site: registered once per mount.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [],
  )
}
