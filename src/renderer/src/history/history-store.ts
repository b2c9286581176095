// My decisions with their outcome, newest first, read page by page.
import { create } from 'zustand'
import type { Intent } from '../../../shared/contract-domain'
import { call, errorMessage } from '../state/api'

const PAGE = 100

interface HistoryState {
  items: Intent[]
  total: number
  loading: boolean
  error: string | null
}

export const useHistory = create<HistoryState>(() => ({ items: [], total: 0, loading: false, error: null }))

/** Re-reads the first page (and as many as were loaded, up to 500 rows). */
export async function refreshHistory(): Promise<void> {
  const loaded = Math.min(500, Math.max(PAGE, useHistory.getState().items.length))
  useHistory.setState({ loading: true })
  try {
    const page = await call('history.list', { limit: loaded, offset: 0 })
    useHistory.setState({ items: page.items, total: page.total, loading: false, error: null })
  } catch (err) {
    useHistory.setState({ loading: false, error: errorMessage(err) })
  }
}

export async function loadMoreHistory(): Promise<void> {
  const { items, loading } = useHistory.getState()
  if (loading) return
  useHistory.setState({ loading: true })
  try {
    const page = await call('history.list', { limit: PAGE, offset: items.length })
    useHistory.setState({ items: [...items, ...page.items], total: page.total, loading: false })
  } catch (err) {
    useHistory.setState({ loading: false, error: errorMessage(err) })
  }
}
