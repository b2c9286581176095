// Key labels for a binding from the registry (`shift+e`, `g i`), as <kbd> keycaps.
import { bindingLabels } from '../keyboard/chords'

export function Keys({ binding }: { binding: string }) {
  const chords = bindingLabels(binding)
  return (
    <span className="keys">
      {chords.map((chord, i) => (
        <span key={i} className="chord">
          {i > 0 && <span className="then"> then </span>}
          {chord.map((k, j) => (
            <kbd key={j}>{k}</kbd>
          ))}
        </span>
      ))}
    </span>
  )
}
