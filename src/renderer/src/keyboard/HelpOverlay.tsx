// The `?` overlay: every shortcut the keymap registry holds — the ones that work everywhere by
// section, then each view's own under that view's name (the same key can mean another thing there).
// It opens at its title: the focus lands on the introduction, not on the list further down.
import { closeOverlay } from '../state/overlay-store'
import { Dialog } from '../ui/Dialog'
import { Keys } from '../ui/Kbd'
import { SECTIONS, useCommands, type Command } from './registry'
import '../palette/palette.css'

function Group({ title, commands }: { title: string; commands: readonly Command[] }) {
  if (commands.length === 0) return null
  return (
    <section>
      <h3>{title}</h3>
      <dl>
        {commands.map((c) => (
          <div key={c.id} className="help-row" data-command-id={c.id} data-keys={c.keys.join(',')}>
            <dt>
              {c.keys.map((k, i) => (
                <span key={k}>
                  {i > 0 && <span className="muted"> or </span>}
                  <Keys binding={k} />
                </span>
              ))}
            </dt>
            <dd>{c.title}</dd>
          </div>
        ))}
      </dl>
    </section>
  )
}

export function HelpOverlay() {
  const commands = useCommands().filter((c) => c.keys.length > 0)
  const everywhere = commands.filter((c) => !c.view)
  const views = [...new Set(commands.flatMap((c) => (c.view ? [c.view] : [])))]
  return (
    <Dialog title="Keyboard shortcuts" onClose={closeOverlay} className="dialog-wide help">
      <p className="muted" tabIndex={-1} data-autofocus>
        Keys never fire while you type in a field. Esc closes this.
      </p>
      <div className="help-grid" tabIndex={0} aria-label="Shortcuts">
        {SECTIONS.map((section) => (
          <Group key={section} title={section} commands={everywhere.filter((c) => c.section === section)} />
        ))}
        {views.map((view) => (
          <Group key={view} title={`In ${view}`} commands={commands.filter((c) => c.view === view)} />
        ))}
      </div>
    </Dialog>
  )
}
