// The console's settings (backend, theme, hold window, last view), read and written through the core.
import { create } from 'zustand'
import type { Settings } from '../../../shared/contract'
import { call, errorMessage } from './api'

interface SettingsStore {
  settings: Settings | null
  error: string | null
}

export const useSettings = create<SettingsStore>(() => ({ settings: null, error: null }))

export async function loadSettings(): Promise<void> {
  try {
    useSettings.setState({ settings: await call('settings.get', {}), error: null })
  } catch (err) {
    useSettings.setState({ error: errorMessage(err) })
  }
}

/** Saves a change; resolves to an error message, or null when saved. */
export async function updateSettings(patch: Partial<Settings>): Promise<string | null> {
  try {
    useSettings.setState({ settings: await call('settings.update', patch), error: null })
    return null
  } catch (err) {
    return errorMessage(err)
  }
}

export function holdSeconds(): number {
  return useSettings.getState().settings?.holdSeconds ?? 5
}
