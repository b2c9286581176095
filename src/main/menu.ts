// The application menu: the platform's standard roles (so copy, paste, undo in text fields and
// window management behave natively) plus the console's own go-to commands, which ask the
// renderer to switch view. A plain template, so it is built and checked without Electron.
import type { MenuItemConstructorOptions } from 'electron'
import type { ShellCommand, ShellView } from '../shared/contract'

export interface MenuActions {
  navigate(view: ShellView): void
  command(command: ShellCommand): void
  syncNow(): void
  toggleWorkOffline(): void
}

/** The go-to commands, in the order of console.md. */
export const GO_TO: readonly { view: ShellView; label: string }[] = [
  { view: 'inbox', label: 'Inbox' },
  { view: 'queue', label: 'Queue' },
  { view: 'escalations', label: 'Escalations' },
  { view: 'flags', label: 'Flags' },
  { view: 'changesets', label: 'Change sets' },
  { view: 'outbox', label: 'Outbox' },
  { view: 'agents', label: 'Agents' },
  { view: 'audit', label: 'Audit' },
  { view: 'history', label: 'History' },
]

export function buildMenuTemplate(platform: NodeJS.Platform, appName: string, actions: MenuActions): MenuItemConstructorOptions[] {
  const isMac = platform === 'darwin'
  const appMenu: MenuItemConstructorOptions[] = isMac
    ? [
        {
          label: appName,
          submenu: [
            { role: 'about' },
            { type: 'separator' },
            { role: 'services' },
            { type: 'separator' },
            { role: 'hide' },
            { role: 'hideOthers' },
            { role: 'unhide' },
            { type: 'separator' },
            { role: 'quit' },
          ],
        },
      ]
    : []
  return [
    ...appMenu,
    {
      label: 'File',
      submenu: [
        { label: 'Sync Now', accelerator: 'CmdOrCtrl+R', click: () => actions.syncNow() },
        { label: 'Work Offline', click: () => actions.toggleWorkOffline() },
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    {
      label: 'Edit',
      // Text editing keeps its native roles, but Undo and Select All must reach the page: the
      // console uses ⌘/Ctrl+Z (undo a held decision) and ⌘/Ctrl+A (select all in view) itself.
      // (On macOS Chromium offers key equivalents to the page first anyway.)
      submenu: [
        { role: 'undo', registerAccelerator: false },
        { role: 'redo', registerAccelerator: false },
        { type: 'separator' },
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        { role: 'selectAll', registerAccelerator: false },
      ],
    },
    {
      label: 'Go',
      submenu: [
        ...GO_TO.map(
          ({ view, label }, i): MenuItemConstructorOptions => ({
            label,
            accelerator: `CmdOrCtrl+${i + 1}`,
            click: () => actions.navigate(view),
          }),
        ),
        { type: 'separator' },
        // Shown for discovery, handled by the renderer's keymap: registering them would swallow the keys.
        { label: 'Search', click: () => actions.command('search') },
        { label: 'Command Palette…', accelerator: 'CmdOrCtrl+K', registerAccelerator: false, click: () => actions.command('palette') },
      ],
    },
    {
      label: 'View',
      submenu: [
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
    {
      role: 'help',
      submenu: [{ label: 'Keyboard Shortcuts', click: () => actions.command('shortcuts') }],
    },
  ]
}
