// A view that reads the replica re-reads it when the core says those tables changed (after a sync
// page, after queueing an intent). A first sync sends many changes at once: they are coalesced.
import { useEffect } from 'react'
import { on } from './api'

/**
 * While the component is mounted: `reload` after changes to any of `tables`, at most once per burst
 * of `coalesceMs` (lists the reviewer acts on pass a shorter one, so a decided row leaves sooner).
 */
export function useReplicaChanges(tables: ReadonlySet<string>, reload: () => void, coalesceMs = 300): void {
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null
    const off = on('data.changed', (p) => {
      if (timer || !p.tables.some((t) => tables.has(t))) return
      timer = setTimeout(() => {
        timer = null
        reload()
      }, coalesceMs)
    })
    return () => {
      off()
      if (timer) clearTimeout(timer)
    }
    // Module-level tables and actions at every call site: subscribed once per mount.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [])
}
