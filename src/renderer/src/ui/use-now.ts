// One shared clock for countdowns and "x ago" labels: a single timer however many are on screen.
import { useSyncExternalStore } from 'react'

const listeners = new Set<() => void>()
let now = Date.now()
let timer: ReturnType<typeof setInterval> | null = null

function subscribe(l: () => void) {
  listeners.add(l)
  if (!timer) {
    timer = setInterval(() => {
      now = Date.now()
      for (const fn of listeners) fn()
    }, 1000)
  }
  return () => {
    listeners.delete(l)
    if (listeners.size === 0 && timer) {
      clearInterval(timer)
      timer = null
    }
  }
}

export function useNow(): number {
  return useSyncExternalStore(subscribe, () => now)
}
