// The Flags view's commands. app/views.tsx registers them and enables them only while this view is on screen.
import type { Command } from '../keyboard/registry'

export const flagsCommands: Command[] = []
