// The views a reviewer can go to. Each entry gives the navigation tab, its `g` shortcut and its own
// commands (both turned into registry commands by app/commands.ts, the latter enabled only while the
// view is on screen) and its badge. A new view is added here and nowhere else.
import type { ComponentType } from 'react'
import type { z } from 'zod'
import type { Counts } from '../../../shared/contract-domain'
import type { Command } from '../keyboard/registry'
import { AgentsView } from '../agents/AgentsView'
import { agentsCommands } from '../agents/commands'
import { AuditView } from '../audit/AuditView'
import { auditCommands } from '../audit/commands'
import { ChangesetsView } from '../changesets/ChangesetsView'
import { changesetsCommands } from '../changesets/commands'
import { EscalationsView } from '../escalations/EscalationsView'
import { escalationsCommands } from '../escalations/commands'
import { FlagsView } from '../flags/FlagsView'
import { flagsCommands } from '../flags/commands'
import { HistoryView } from '../history/HistoryView'
import { InboxView } from '../inbox/InboxView'
import { inboxCommands } from '../inbox/commands'
import { OutboxView } from '../outbox/OutboxView'
import { outboxCommands } from '../outbox/commands'
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
  /** Commands that act on this view (section 'Review', or 'Filter' for the inbox's); they fire only while it is on screen. */
  commands?: readonly Command[]
}

export const VIEWS: readonly ViewDef[] = [
  {
    id: 'inbox',
    title: 'Inbox',
    binding: 'g i',
    Component: InboxView,
    inNav: true,
    commands: inboxCommands,
    badge: (c) => ({ count: c.inbox, alert: false }),
  },
  {
    id: 'queue',
    title: 'Queue',
    binding: 'g q',
    Component: QueueView,
    inNav: true,
    badge: (c) => ({ count: c.queue + c.refused, alert: c.refused > 0 }),
  },
  {
    id: 'escalations',
    title: 'Escalations',
    binding: 'g e',
    Component: EscalationsView,
    inNav: true,
    commands: escalationsCommands,
    badge: (c) => ({ count: c.escalations, alert: false }),
  },
  { id: 'flags', title: 'Flags', binding: 'g f', Component: FlagsView, inNav: true, commands: flagsCommands, badge: (c) => ({ count: c.flags, alert: false }) },
  {
    id: 'changesets',
    title: 'Change sets',
    binding: 'g c',
    Component: ChangesetsView,
    inNav: true,
    commands: changesetsCommands,
    badge: (c) => ({ count: c.changesets, alert: false }),
  },
  { id: 'outbox', title: 'Outbox', binding: 'g o', Component: OutboxView, inNav: true, commands: outboxCommands },
  { id: 'agents', title: 'Agents', binding: 'g a', Component: AgentsView, inNav: true, commands: agentsCommands },
  { id: 'audit', title: 'Audit', binding: 'g l', Component: AuditView, inNav: true, commands: auditCommands },
  { id: 'history', title: 'History', binding: 'g h', Component: HistoryView, inNav: true },
  { id: 'settings', title: 'Settings', binding: 'mod+,', Component: SettingsView, inNav: false },
]

export function viewById(id: string): ViewDef {
  return VIEWS.find((v) => v.id === id) ?? (VIEWS[0] as ViewDef)
}
