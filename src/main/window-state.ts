// Remembers the main window's size, position and maximised state across launches, in a small JSON
// file under userData; a saved position on a display that is gone is pulled back on screen. (The
// last view is a setting, `Settings.lastView`, kept by the core beside the other settings.)
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { z } from 'zod'

export interface Rect {
  x: number
  y: number
  width: number
  height: number
}

const Int = z.number().int().min(-100_000).max(100_000)
const WindowState = z.object({
  x: Int.optional(),
  y: Int.optional(),
  width: z.number().int().min(400).max(20_000),
  height: z.number().int().min(300).max(20_000),
  maximized: z.boolean(),
})
export type WindowState = z.infer<typeof WindowState>

export const DEFAULT_WINDOW_STATE: WindowState = { width: 1280, height: 820, maximized: false }
export const MIN_SIZE = { width: 900, height: 600 }

export async function loadWindowState(file: string): Promise<WindowState> {
  try {
    const parsed = WindowState.safeParse(JSON.parse(await readFile(file, 'utf8')))
    return parsed.success ? parsed.data : { ...DEFAULT_WINDOW_STATE }
  } catch {
    return { ...DEFAULT_WINDOW_STATE }
  }
}

export async function saveWindowState(file: string, state: WindowState): Promise<void> {
  await mkdir(dirname(file), { recursive: true })
  const tmp = `${file}.${process.pid}.tmp`
  await writeFile(tmp, JSON.stringify(state))
  await rename(tmp, file)
}

function overlap(a: Rect, b: Rect): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x)
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y)
  return w > 0 && h > 0 ? w * h : 0
}

/**
 * The bounds to open with: the saved ones when enough of the window (its title bar at least)
 * lands on a current display's work area; otherwise the saved size, shrunk to fit, centred on the
 * primary display.
 */
export function placeWindow(state: WindowState, workAreas: readonly Rect[]): Partial<Rect> & { width: number; height: number } {
  const primary = workAreas[0]
  const width = primary ? Math.min(state.width, primary.width) : state.width
  const height = primary ? Math.min(state.height, primary.height) : state.height
  if (state.x !== undefined && state.y !== undefined) {
    const saved = { x: state.x, y: state.y, width: state.width, height: state.height }
    const titleBar = { x: saved.x, y: saved.y, width: saved.width, height: 40 }
    if (workAreas.some((area) => overlap(titleBar, area) >= Math.min(100 * 40, titleBar.width * 40))) return saved
  }
  if (!primary) return { width, height }
  return {
    x: primary.x + Math.round((primary.width - width) / 2),
    y: primary.y + Math.round((primary.height - height) / 2),
    width,
    height,
  }
}
