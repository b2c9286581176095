// The desktop pieces main owns that need no Electron binary: deep links, window placement, the
// application menu.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { MenuItemConstructorOptions } from 'electron'
import { deepLinkFromArgv, parseDeepLink } from '../../src/main/deep-link'
import { buildMenuTemplate, GO_TO } from '../../src/main/menu'
import { DEFAULT_WINDOW_STATE, loadWindowState, placeWindow, saveWindowState } from '../../src/main/window-state'
import { ShellView } from '../../src/shared/contract'

const ID = '3f2b8c1e-9a4d-4e6f-8b2a-1c3d5e7f9a0b'

describe('deep links', () => {
  it('opsconsole://approval/<uuid> focuses that approval in the inbox', () => {
    expect(parseDeepLink(`opsconsole://approval/${ID}`)).toEqual({ view: 'inbox', approvalId: ID })
    expect(parseDeepLink(`opsconsole://approval/${ID.toUpperCase()}/`)).toEqual({ view: 'inbox', approvalId: ID })
  })

  it.each([
    `opsconsole://approval/not-a-uuid`,
    `opsconsole://approval/${ID}/extra`,
    `opsconsole://approval/${ID}x`,
    `opsconsole://approval/`,
    `opsconsole://escalation/${ID}`,
    `opsconsole://user@approval/${ID}`,
    `opsconsole://approval:99/${ID}`,
    `opsconsole://approval/..%2f${ID}`,
    `https://approval/${ID}`,
    `javascript:opsconsole://approval/${ID}`,
    42,
  ])('ignores %s', (url) => {
    expect(parseDeepLink(url)).toBeNull()
  })

  it('finds the link among a second instance’s arguments (Windows, Linux)', () => {
    expect(deepLinkFromArgv(['/opt/console', '--flag', `opsconsole://approval/${ID}`])).toEqual({ view: 'inbox', approvalId: ID })
    expect(deepLinkFromArgv(['/opt/console', '--flag'])).toBeNull()
  })
})

describe('window placement', () => {
  const laptop = { x: 0, y: 0, width: 1440, height: 877 }
  const external = { x: 1440, y: 0, width: 2560, height: 1415 }

  it('reopens where it was when that display is still there', () => {
    const saved = { x: 1600, y: 100, width: 1400, height: 900, maximized: false }
    expect(placeWindow(saved, [laptop, external])).toEqual({ x: 1600, y: 100, width: 1400, height: 900 })
  })

  it('comes back onto the primary display, shrunk to fit, when the external one is gone', () => {
    const saved = { x: 1600, y: 100, width: 2000, height: 1200, maximized: false }
    const placed = placeWindow(saved, [laptop])
    expect(placed).toEqual({ x: 0, y: 0, width: 1440, height: 877 })
  })

  it('centres a first launch', () => {
    expect(placeWindow(DEFAULT_WINDOW_STATE, [laptop])).toEqual({ x: 80, y: 29, width: 1280, height: 820 })
  })

  it('persists and restores; a corrupt or hostile file falls back to defaults', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oc-window-'))
    try {
      const file = join(dir, 'window-state.json')
      const state = { x: 10, y: 20, width: 1000, height: 700, maximized: true }
      await saveWindowState(file, state)
      expect(await loadWindowState(file)).toEqual(state)
      writeFileSync(file, '{"width": 1e9, "height": "tall", "__proto__": {"maximized": true}}')
      expect(await loadWindowState(file)).toEqual(DEFAULT_WINDOW_STATE)
      writeFileSync(file, 'not json')
      expect(await loadWindowState(file)).toEqual(DEFAULT_WINDOW_STATE)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('application menu', () => {
  const calls: string[] = []
  const actions = {
    navigate: (view: string) => calls.push(`navigate:${view}`),
    command: (command: string) => calls.push(`command:${command}`),
    syncNow: () => calls.push('sync'),
    toggleWorkOffline: () => calls.push('offline'),
  }
  const flatten = (items: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] =>
    items.flatMap((i) => [i, ...(Array.isArray(i.submenu) ? flatten(i.submenu) : [])])
  const click = (item: MenuItemConstructorOptions) => (item.click as unknown as () => void)()

  it('has a go-to command for every view, each sending the renderer to it', () => {
    expect(GO_TO.map((g) => g.view).sort()).toEqual([...ShellView.options].sort())
    const items = flatten(buildMenuTemplate('linux', 'Operator Console', actions))
    calls.length = 0
    for (const { label } of GO_TO) click(items.find((i) => i.label === label)!)
    expect(calls).toEqual(GO_TO.map((g) => `navigate:${g.view}`))
  })

  it('keeps the standard roles, and leaves the console’s own keys (⌘Z, ⌘A, ⌘K) to the page', () => {
    for (const platform of ['darwin', 'win32', 'linux'] as const) {
      const items = flatten(buildMenuTemplate(platform, 'Operator Console', actions))
      const roles = items.map((i) => i.role).filter(Boolean)
      expect(roles).toEqual(expect.arrayContaining(['copy', 'paste', 'cut', 'undo', 'selectAll', 'windowMenu', 'togglefullscreen']))
      for (const role of ['undo', 'redo', 'selectAll']) {
        expect(items.find((i) => i.role === role)?.registerAccelerator).toBe(false)
      }
      expect(items.find((i) => i.label === 'Command Palette…')?.registerAccelerator).toBe(false)
      expect(roles.includes('about')).toBe(platform === 'darwin')
      // No reload or devtools roles: a reload would drop the reviewer's place, devtools is for dev builds.
      expect(roles).not.toContain('reload')
      expect(roles).not.toContain('toggleDevTools')
    }
  })
})
