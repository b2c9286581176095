// The local queue as the Queue view shows it: held, queued, sending, and refused or in conflict.
import { create } from 'zustand'
import type { Intent } from '../../../shared/contract-domain'
import { call, errorMessage } from '../state/api'

interface QueueState {
  intents: Intent[]
  loaded: boolean
  error: string | null
}

export const useQueue = create<QueueState>(() => ({ intents: [], loaded: false, error: null }))

let running = false
let again = false

export async function refreshQueue(): Promise<void> {
  if (running) {
    again = true
    return
  }
  running = true
  try {
    do {
      again = false
      useQueue.setState({ intents: await call('queue.list', {}), loaded: true, error: null })
    } while (again)
  } catch (err) {
    useQueue.setState({ error: errorMessage(err), loaded: true })
  } finally {
    running = false
  }
}

/** An intent changed state: update it in place so the view follows without a full re-read. */
export function applyIntentChange(intent: Intent): void {
  const { intents } = useQueue.getState()
  const i = intents.findIndex((x) => x.clientMutationId === intent.clientMutationId)
  const gone = intent.state === 'applied'
  if (i < 0) {
    if (!gone) useQueue.setState({ intents: [...intents, intent] })
    return
  }
  const next = intents.slice()
  if (gone) next.splice(i, 1)
  else next[i] = intent
  useQueue.setState({ intents: next })
}

export async function dismissIntent(clientMutationId: string): Promise<string | null> {
  try {
    await call('intents.dismiss', { clientMutationId })
    useQueue.setState((s) => ({ intents: s.intents.filter((i) => i.clientMutationId !== clientMutationId) }))
    return null
  } catch (err) {
    return errorMessage(err)
  }
}
