// The badge counts (inbox, queue, refused, escalations, flags, change sets) shown in the navigation,
// within the tenant scope, re-read when the replica or the scope changes. Per-tenant inbox counts
// (byTenant) cover every tenant whatever the scope: the tenant switcher shows them all.
import { create } from 'zustand'
import type { z } from 'zod'
import type { Counts } from '../../../shared/contract-domain'
import { call } from './api'
import { scopeArgs, useTenantScope } from './tenant-scope'

interface CountsState {
  counts: z.infer<typeof Counts> | null
}

export const useCounts = create<CountsState>(() => ({ counts: null }))

let running: Promise<void> | null = null
let again = false
/** Bumped when the reviewer changes: a read started for the previous one is thrown away. */
let generation = 0

/** Forgets the counts (another reviewer, or nobody, is signed in now). */
export function resetCounts(): void {
  generation += 1
  again = false
  useCounts.setState({ counts: null })
}

export function refreshCounts(): Promise<void> {
  if (running) {
    again = true
    return running
  }
  running = (async () => {
    try {
      do {
        again = false
        const started = generation
        const counts = await call('inbox.counts', scopeArgs())
        if (started === generation) useCounts.setState({ counts })
      } while (again)
    } catch {
      // Counts are decoration; the next change retries.
    } finally {
      running = null
    }
  })()
  return running
}

useTenantScope.subscribe((s, prev) => {
  if (s.tenantId !== prev.tenantId) void refreshCounts()
})
