// Turns key events into chord strings (`shift+e`, `mod+k`, `?`) and chords into the labels the
// palette and the overlay show. `mod` is ⌘ on macOS and Ctrl elsewhere.
const SPECIAL: Record<string, string> = {
  ArrowDown: 'arrowdown',
  ArrowUp: 'arrowup',
  ArrowLeft: 'arrowleft',
  ArrowRight: 'arrowright',
  Enter: 'enter',
  Escape: 'escape',
  Tab: 'tab',
  Backspace: 'backspace',
  Delete: 'delete',
  Home: 'home',
  End: 'end',
  PageDown: 'pagedown',
  PageUp: 'pageup',
  ' ': 'space',
}
const MODIFIER_KEYS = new Set(['Shift', 'Control', 'Alt', 'Meta', 'AltGraph', 'CapsLock'])

export function chordFromEvent(e: Pick<KeyboardEvent, 'key' | 'metaKey' | 'ctrlKey' | 'altKey' | 'shiftKey'>): string | null {
  if (!e.key || MODIFIER_KEYS.has(e.key)) return null
  const special = SPECIAL[e.key]
  const isLetter = /^[a-zA-Z]$/.test(e.key)
  let key: string
  if (special) key = special
  else if (e.key.length === 1) key = e.key.toLowerCase()
  else return null
  const mods: string[] = []
  if (e.metaKey || e.ctrlKey) mods.push('mod')
  if (e.altKey) mods.push('alt')
  // Shift is part of the chord for letters and named keys; for `?` or `/` it is how the character
  // is typed on the layout, so it is ignored there.
  if (e.shiftKey && (isLetter || special)) mods.push('shift')
  return [...mods, key].join('+')
}

export const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform)

const KEY_LABEL: Record<string, string> = {
  arrowdown: '↓',
  arrowup: '↑',
  arrowleft: '←',
  arrowright: '→',
  enter: 'Enter',
  escape: 'Esc',
  space: 'Space',
  backspace: 'Backspace',
  delete: 'Delete',
  tab: 'Tab',
  home: 'Home',
  end: 'End',
  pagedown: 'Page Down',
  pageup: 'Page Up',
}

/** One chord as keycap labels: `mod+shift+k` → ['Ctrl', 'Shift', 'K'] (or ['⌘', '⇧', 'K'] on a Mac). */
export function chordLabels(chord: string): string[] {
  return chord.split('+').map((part, i, all) => {
    if (i < all.length - 1) {
      if (part === 'mod') return isMac ? '⌘' : 'Ctrl'
      if (part === 'shift') return isMac ? '⇧' : 'Shift'
      if (part === 'alt') return isMac ? '⌥' : 'Alt'
    }
    return KEY_LABEL[part] ?? (part.length === 1 ? part.toUpperCase() : part)
  })
}

/** A whole key binding, sequences included: `g i` → [['G'], ['I']]. */
export function bindingLabels(binding: string): string[][] {
  return binding.split(' ').map(chordLabels)
}

/** A short text form for titles and announcements: `Shift+E`, `G then I`. */
export function bindingText(binding: string): string {
  return bindingLabels(binding)
    .map((chord) => chord.join(isMac ? '' : '+'))
    .join(' then ')
}
