// Toasts: short-lived outcome messages ("Approved · Undo", a refusal, an error), each optionally
// with one action. They are also announced, so colour and position are never the only signal.
import { create } from 'zustand'
import { announce } from '../ui/announce'

export type ToastTone = 'info' | 'success' | 'warning' | 'error'

export interface ToastAction {
  label: string
  /** The shortcut shown beside the label, e.g. `z`. */
  binding?: string
  run: () => void
}

export interface Toast {
  id: string
  tone: ToastTone
  message: string
  detail?: string
  action?: ToastAction
  /** performance.now() deadline; null stays until dismissed. */
  until: number | null
}

interface ToastState {
  toasts: Toast[]
}

export const useToasts = create<ToastState>(() => ({ toasts: [] }))

const MAX_TOASTS = 4
let counter = 0

export function showToast(t: Omit<Toast, 'id' | 'until'> & { ms?: number | null }): string {
  const id = `t${++counter}`
  const { ms = 5000, ...rest } = t
  const toast: Toast = { ...rest, id, until: ms === null ? null : performance.now() + ms }
  useToasts.setState((s) => ({ toasts: [...s.toasts, toast].slice(-MAX_TOASTS) }))
  announce(t.detail ? `${t.message}. ${t.detail}` : t.message)
  return id
}

export function updateToast(id: string, patch: Partial<Omit<Toast, 'id'>> & { ms?: number }): void {
  const { ms, ...rest } = patch
  useToasts.setState((s) => ({
    toasts: s.toasts.map((t) =>
      t.id === id ? { ...t, ...rest, ...(ms === undefined ? {} : { until: performance.now() + ms }) } : t,
    ),
  }))
  if (patch.message) announce(patch.message)
}

export function dismissToast(id: string): void {
  useToasts.setState((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) }))
}

/** Drops toasts whose time is up; called by the toast host's timer. */
export function expireToasts(now = performance.now()): void {
  const { toasts } = useToasts.getState()
  if (toasts.some((t) => t.until !== null && t.until <= now)) {
    useToasts.setState({ toasts: toasts.filter((t) => t.until === null || t.until > now) })
  }
}
