// The command palette (Ctrl/⌘+K): every enabled command of the keymap registry, searchable, with
// its keys beside it. Choosing one closes the palette first, then runs it.
import { Command } from 'cmdk'
import { closeOverlay } from '../state/overlay-store'
import { isEnabled, runCommand, SECTIONS, useCommands } from '../keyboard/registry'
import { Dialog } from '../ui/Dialog'
import { Keys } from '../ui/Kbd'
import './palette.css'

export function CommandPalette() {
  const commands = useCommands().filter((c) => c.palette !== false && c.id !== 'palette.open' && isEnabled(c))
  const choose = (id: string) => {
    closeOverlay()
    // After the palette has handed the focus back, so a command that opens a dialog gets it next.
    queueMicrotask(() => runCommand(id, { source: 'palette' }))
  }
  return (
    <Dialog title="Command palette" hideTitle onClose={closeOverlay} className="palette">
      <Command label="Commands" loop>
        <Command.Input placeholder="Type a command…" data-autofocus />
        <Command.List>
          <Command.Empty>No matching command.</Command.Empty>
          {SECTIONS.map((section) => {
            const inSection = commands.filter((c) => c.section === section)
            if (inSection.length === 0) return null
            return (
              <Command.Group key={section} heading={section}>
                {inSection.map((c) => (
                  <Command.Item key={c.id} value={`${c.title} ${c.id}`} onSelect={() => choose(c.id)} data-command-id={c.id}>
                    <span className="palette-title">{c.title}</span>
                    {c.keys[0] && <Keys binding={c.keys[0]} />}
                  </Command.Item>
                ))}
              </Command.Group>
            )
          })}
        </Command.List>
      </Command>
    </Dialog>
  )
}
