// The badge counts (inbox, queue, refused) shown in the navigation, re-read when the replica changes.
import { create } from 'zustand'
import type { z } from 'zod'
import type { Counts } from '../../../shared/contract-domain'
import { call } from './api'

interface CountsState {
  counts: z.infer<typeof Counts> | null
}

export const useCounts = create<CountsState>(() => ({ counts: null }))

let running: Promise<void> | null = null
let again = false

export function refreshCounts(): Promise<void> {
  if (running) {
    again = true
    return running
  }
  running = (async () => {
    try {
      do {
        again = false
        const counts = await call('inbox.counts', {})
        useCounts.setState({ counts })
      } while (again)
    } catch {
      // Counts are decoration; the next change retries.
    } finally {
      running = null
    }
  })()
  return running
}
