// The Electron side of the desktop niceties: the dock/taskbar badge and system notifications that
// bring the reviewer to the approval they name. What to show is decided in inbox-watch.ts.
import { app, Notification, type BrowserWindow } from 'electron'
import type { ApprovalNotice } from './inbox-watch'

/** Sets the inbox count on the dock (macOS), launcher (Linux/Unity) or, on Windows, the title bar. */
export function showInboxCount(count: number, window: BrowserWindow | null): void {
  const shown = app.setBadgeCount(count)
  if (!shown && window && !window.isDestroyed()) {
    window.setTitle(count > 0 ? `Operator Console (${count})` : 'Operator Console')
  }
}

// Notifications are kept referenced until dismissed: a collected one loses its click handler.
const live = new Set<Notification>()

export function showNotice(notice: ApprovalNotice, onClick: (approvalId: string) => void): void {
  if (!Notification.isSupported()) return
  const n = new Notification({ title: notice.title, body: notice.body })
  live.add(n)
  n.on('click', () => {
    live.delete(n)
    onClick(notice.approvalId)
  })
  n.on('close', () => live.delete(n))
  n.show()
}
