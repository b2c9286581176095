// The `?` overlay: every shortcut the keymap registry holds, grouped by section, all keys shown.
import { closeOverlay } from '../app/overlay-store'
import { Dialog } from '../ui/Dialog'
import { Keys } from '../ui/Kbd'
import { SECTIONS, useCommands } from './registry'
import '../palette/palette.css'

export function HelpOverlay() {
  const commands = useCommands()
  return (
    <Dialog title="Keyboard shortcuts" onClose={closeOverlay} className="dialog-wide help">
      <p className="muted">Keys never fire while you type in a field. Esc closes this.</p>
      <div className="help-grid" tabIndex={0} data-autofocus aria-label="Shortcuts">
        {SECTIONS.map((section) => {
          const inSection = commands.filter((c) => c.section === section && c.keys.length > 0)
          if (inSection.length === 0) return null
          return (
            <section key={section}>
              <h3>{section}</h3>
              <dl>
                {inSection.map((c) => (
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
        })}
      </div>
    </Dialog>
  )
}
