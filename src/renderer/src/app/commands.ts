// Every command of the console, registered once in the keymap registry: the key dispatcher, the
// palette and the `?` overlay all read them from there.
import { registerCommands, type Command } from '../keyboard/registry'
import {
  approveFocused,
  bulkApprove,
  openBulkReject,
  openDelegate,
  openEdit,
  openEscalate,
  openMessage,
  openReject,
  openSnooze,
} from '../decisions/actions'
import { disarm } from '../decisions/decide'
import { undoLast } from '../state/intent-client'
import {
  clearSelection,
  currentLane,
  extendSelection,
  focusedItem,
  focusIndex,
  moveFocus,
  selectVisible,
  setLane,
  toggleSelected,
  useInbox,
} from '../inbox/inbox-store'
import { SEARCH_INPUT_ID } from '../inbox/FilterBar'
import { setWorkOffline, syncNow, useSync } from '../state/sync-store'
import { updateSettings, useSettings } from '../state/settings-store'
import { announce } from '../ui/announce'
import { focusHome } from '../ui/focus'
import { exportCsv } from '../exports/export-csv'
import { openOverlay } from '../state/overlay-store'
import { setTenantScope, useTenantScope } from '../state/tenant-scope'
import { hasTenantChoice, openTenantSwitcher } from '../tenants/TenantSwitcher'
import { go, setDetailOpen, useRouter } from '../state/router-store'
import { VIEWS } from './views'

const inInbox = () => useRouter.getState().view === 'inbox'
const hasItem = () => inInbox() && focusedItem() !== undefined
const hasSelection = () => inInbox() && useInbox.getState().selection.size > 0

/** j / k outside the inbox: move the DOM focus through the view's list items. */
function stepListFocus(delta: number) {
  const items = [...document.querySelectorAll<HTMLElement>('[data-list-item]')]
  if (items.length === 0) return
  const at = items.findIndex((el) => el === document.activeElement || el.contains(document.activeElement))
  const next = items[at < 0 ? (delta > 0 ? 0 : items.length - 1) : Math.max(0, Math.min(items.length - 1, at + delta))]
  next?.focus()
}

function step(delta: number) {
  if (inInbox()) {
    disarm()
    moveFocus(delta)
  } else stepListFocus(delta)
}

/**
 * Tab on the inbox list moves Needs me → Others, Shift+Tab back; past either end it is the
 * browser's Tab again, so the keyboard can always leave the list (no trap).
 */
const onInboxList = () => inInbox() && !!document.activeElement?.closest('[data-testid="inbox-list"], .list-empty')

const lanes: Command[] = [
  {
    id: 'lane.others.key',
    title: 'Next lane: Others',
    section: 'Navigate',
    keys: ['tab'],
    palette: false,
    enabled: () => onInboxList() && currentLane() === 'mine',
    run: () => setLane('others'),
  },
  {
    id: 'lane.mine.key',
    title: 'Previous lane: Needs me',
    section: 'Navigate',
    keys: ['shift+tab'],
    palette: false,
    enabled: () => onInboxList() && currentLane() === 'others',
    run: () => setLane('mine'),
  },
  {
    id: 'lane.mine',
    title: 'Inbox: Needs me (what I may decide now)',
    section: 'Navigate',
    keys: [],
    run: () => {
      go('inbox')
      setLane('mine')
    },
  },
  {
    id: 'lane.others',
    title: 'Inbox: Others (visible, not mine to decide)',
    section: 'Navigate',
    keys: [],
    run: () => {
      go('inbox')
      setLane('others')
    },
  },
]

const navigate: Command[] = [
  { id: 'nav.next', title: 'Next item', section: 'Navigate', keys: ['j', 'arrowdown'], run: () => step(1) },
  { id: 'nav.prev', title: 'Previous item', section: 'Navigate', keys: ['k', 'arrowup'], run: () => step(-1) },
  {
    id: 'nav.first',
    title: 'First item',
    section: 'Navigate',
    keys: ['home'],
    enabled: inInbox,
    run: () => {
      disarm()
      focusIndex(0)
    },
  },
  {
    id: 'nav.last',
    title: 'Last item',
    section: 'Navigate',
    keys: ['end'],
    enabled: inInbox,
    run: () => {
      disarm()
      focusIndex(useInbox.getState().rows.length - 1)
    },
  },
  {
    id: 'nav.open',
    title: 'Open detail',
    section: 'Navigate',
    keys: ['enter'],
    enabled: () => hasItem() && !useRouter.getState().detailOpen,
    run: () => setDetailOpen(true),
  },
  {
    id: 'nav.back',
    title: 'Back, close detail or clear the selection',
    section: 'Navigate',
    keys: ['escape'],
    palette: false,
    // Back from a detail (inbox or a review view) or a selection; with neither, Esc stays on the
    // view (it used to jump to the Inbox).
    enabled: () => useRouter.getState().detailOpen || (inInbox() && useInbox.getState().selection.size > 0),
    run: () => {
      if (useRouter.getState().detailOpen) {
        setDetailOpen(false)
        focusHome()
      } else clearSelection()
    },
  },
  {
    id: 'nav.search',
    title: 'Search the inbox',
    section: 'Navigate',
    keys: ['/'],
    run: () => {
      go('inbox')
      requestAnimationFrame(() => document.getElementById(SEARCH_INPUT_ID)?.focus())
    },
  },
]

const decide: Command[] = [
  {
    id: 'decision.approve',
    title: 'Approve (risk ≥ 4: press twice)',
    section: 'Decide',
    keys: ['a'],
    enabled: hasItem,
    run: (ctx) => approveFocused(ctx.event),
  },
  { id: 'decision.edit', title: 'Approve with edits', section: 'Decide', keys: ['e'], enabled: hasItem, run: openEdit },
  { id: 'decision.reject', title: 'Reject with a reason', section: 'Decide', keys: ['r'], enabled: hasItem, run: openReject },
  { id: 'decision.escalate', title: 'Escalate', section: 'Decide', keys: ['shift+e'], enabled: hasItem, run: openEscalate },
  { id: 'decision.delegate', title: 'Delegate / reassign', section: 'Decide', keys: ['d'], enabled: hasItem, run: openDelegate },
  { id: 'decision.snooze', title: 'Snooze', section: 'Decide', keys: ['s'], enabled: () => hasItem() || hasSelection(), run: openSnooze },
  { id: 'decision.message', title: 'Message the agent', section: 'Decide', keys: ['m'], enabled: hasItem, run: openMessage },
  {
    id: 'decision.undo',
    title: 'Undo my last decision or review step while it is held',
    section: 'Decide',
    keys: ['z', 'mod+z'],
    // One meaning everywhere: the last step still held, whichever view it was taken in.
    run: () => void undoLast(),
  },
]

const select: Command[] = [
  { id: 'select.toggle', title: 'Select or deselect', section: 'Select', keys: ['x'], enabled: hasItem, run: toggleSelected },
  { id: 'select.down', title: 'Extend the selection down', section: 'Select', keys: ['shift+j', 'shift+arrowdown'], enabled: hasItem, run: () => extendSelection(1) },
  { id: 'select.up', title: 'Extend the selection up', section: 'Select', keys: ['shift+k', 'shift+arrowup'], enabled: hasItem, run: () => extendSelection(-1) },
  {
    id: 'select.all',
    title: 'Select all in view',
    section: 'Select',
    keys: ['mod+a'],
    enabled: inInbox,
    run: () => announce(`${selectVisible()} selected`),
  },
  { id: 'select.approve', title: 'Approve the selection', section: 'Select', keys: ['shift+a'], enabled: inInbox, run: (ctx) => bulkApprove(ctx.event) },
  { id: 'select.reject', title: 'Reject the selection', section: 'Select', keys: ['shift+r'], enabled: inInbox, run: openBulkReject },
]

const goTo: Command[] = VIEWS.map((v) => ({
  id: `go.${v.id}`,
  title: `Go to ${v.title}`,
  section: 'Go to' as const,
  keys: [v.binding],
  run: () => go(v.id),
}))

const general: Command[] = [
  { id: 'palette.open', title: 'Command palette', section: 'General', keys: ['mod+k'], whileTyping: true, run: () => openOverlay({ kind: 'palette' }) },
  { id: 'help.open', title: 'Keyboard shortcuts', section: 'General', keys: ['?'], run: () => openOverlay({ kind: 'help' }) },
  {
    id: 'sync.workOffline',
    title: 'Toggle Work offline',
    section: 'General',
    keys: [],
    run: () => void setWorkOffline(!(useSync.getState().status?.workOffline ?? false)),
  },
  { id: 'sync.now', title: 'Sync now', section: 'General', keys: [], run: () => void syncNow() },
  {
    id: 'theme.toggle',
    title: 'Switch light / dark theme',
    section: 'General',
    keys: [],
    run: () => {
      const dark = document.documentElement.dataset['theme'] === 'dark'
      void updateSettings({ theme: dark ? 'light' : 'dark' })
    },
  },
  {
    id: 'theme.system',
    title: 'Theme follows the system',
    section: 'General',
    keys: [],
    enabled: () => useSettings.getState().settings?.theme !== 'system',
    run: () => void updateSettings({ theme: 'system' }),
  },
  { id: 'session.signOut', title: 'Sign out…', section: 'General', keys: [], run: () => openOverlay({ kind: 'signout' }) },
  { id: 'tenant.switch', title: 'Switch tenant…', section: 'General', keys: ['g t'], enabled: hasTenantChoice, run: openTenantSwitcher },
  {
    id: 'tenant.all',
    title: 'Show all tenants',
    section: 'General',
    keys: [],
    enabled: () => hasTenantChoice() && useTenantScope.getState().tenantId !== null,
    run: () => setTenantScope(null),
  },
  { id: 'export.history', title: 'Export my decisions as CSV', section: 'General', keys: [], run: () => void exportCsv({ kind: 'history' }) },
  { id: 'report.sod', title: 'Segregation-of-duties report…', section: 'General', keys: ['g s'], run: () => openOverlay({ kind: 'sod' }) },
]

/** Each view's own commands, live only while that view is on screen (so `a` can mean "acknowledge" there). */
const viewCommands: Command[] = VIEWS.flatMap((v) =>
  (v.commands ?? []).map((c) => ({
    ...c,
    view: v.title,
    enabled: () => useRouter.getState().view === v.id && (c.enabled ? c.enabled() : true),
  })),
)

export function registerAppCommands(): () => void {
  // The first enabled command with a key wins: a view's own keys come first, so on the Audit view
  // `/` focuses its filter rather than going to the inbox search.
  return registerCommands([...viewCommands, ...lanes, ...navigate, ...decide, ...select, ...goTo, ...general])
}
