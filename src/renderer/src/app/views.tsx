// The views a reviewer can go to. Each entry gives the navigation tab, its `g` shortcut (turned
// into a registry command by app/commands.ts) and its badge. Issue 7's views (escalations, flags,
// change sets, agents, audit) are added here and nowhere else.
import type { ComponentType } from 'react'
import type { z } from 'zod'
import type { Counts } from '../../../shared/contract-domain'
import { HistoryView } from '../history/HistoryView'
import { InboxView } from '../inbox/InboxView'
import { QueueView } from '../queue/QueueView'
import { SettingsView } from '../settings/SettingsView'

export interface ViewDef {
  id: string
  title: string
  /** The go-to binding (`g i`), or another chord for views outside the `g` family. */
  binding: string
  Component: ComponentType
  /** Shown as a tab in the header; false for views reached from menus (settings). */
  inNav: boolean
  badge?: (counts: z.infer<typeof Counts>) => { count: number; alert: boolean } | null
}

export const VIEWS: readonly ViewDef[] = [
  { id: 'inbox', title: 'Inbox', binding: 'g i', Component: InboxView, inNav: true, badge: (c) => ({ count: c.inbox, alert: false }) },
  {
    id: 'queue',
    title: 'Queue',
    binding: 'g q',
    Component: QueueView,
    inNav: true,
    badge: (c) => ({ count: c.queue + c.refused, alert: c.refused > 0 }),
  },
  { id: 'history', title: 'History', binding: 'g h', Component: HistoryView, inNav: true },
  { id: 'settings', title: 'Settings', binding: 'mod+,', Component: SettingsView, inNav: false },
]

export function viewById(id: string): ViewDef {
  return VIEWS.find((v) => v.id === id) ?? (VIEWS[0] as ViewDef)
}
