// The global key dispatcher: commands run from their keys and `g`-sequences, never while a dialog
// holds the keyboard or (unless they say so) while the reviewer types in a field; a disabled
// command lets the key through to the browser, so Tab past the last inbox lane is Tab again.
import { beforeAll, describe, expect, it } from 'vitest'
import type { Command } from '../../../src/renderer/src/keyboard/registry'

// The dispatcher only asks what kind of element a key came from: classes stand in for the DOM.
class FakeElement {
  isContentEditable = false
  closest(): FakeElement | null {
    return null
  }
}
class FakeTextArea extends FakeElement {}
class FakeInput extends FakeElement {
  constructor(public type: string) {
    super()
  }
}
/** A button: Enter and Space on it (or inside it) are the button's. */
class FakeButton extends FakeElement {
  override closest(): FakeButton {
    return this
  }
}
beforeAll(() => {
  Object.assign(globalThis, {
    HTMLElement: FakeElement,
    HTMLTextAreaElement: FakeTextArea,
    HTMLSelectElement: class extends FakeElement {},
    HTMLInputElement: FakeInput,
  })
})

interface FakeEvent {
  key: string
  metaKey: boolean
  ctrlKey: boolean
  altKey: boolean
  shiftKey: boolean
  isComposing: boolean
  defaultPrevented: boolean
  target: unknown
  preventDefault(): void
}

function key(k: string, opts: { ctrl?: boolean; shift?: boolean; target?: unknown; composing?: boolean; handled?: boolean } = {}): FakeEvent {
  return {
    key: k,
    metaKey: false,
    ctrlKey: !!opts.ctrl,
    altKey: false,
    shiftKey: !!opts.shift,
    isComposing: !!opts.composing,
    defaultPrevented: !!opts.handled,
    target: opts.target ?? new FakeElement(),
    preventDefault() {
      this.defaultPrevented = true
    },
  }
}

async function rig(opts: { blocked?: () => boolean; enabled?: () => boolean; viewFirst?: boolean } = {}) {
  const { createDispatcher } = await import('../../../src/renderer/src/keyboard/dispatcher')
  const ran: string[] = []
  let clock = 0
  const cmd = (id: string, keys: string[], extra: Partial<Command> = {}): Command => ({
    id,
    title: id,
    section: 'General',
    keys,
    run: () => ran.push(id),
    ...extra,
  })
  const commands = [
    // A view's own command comes first, live only on its view (as app/commands registers them).
    cmd('review.acknowledge', ['a'], { enabled: () => !!opts.viewFirst }),
    cmd('approve', ['a']),
    cmd('reject', ['r']),
    cmd('escalate', ['shift+e']),
    cmd('edit', ['e']),
    cmd('help', ['?']),
    cmd('open', ['enter']),
    cmd('go.inbox', ['g i']),
    cmd('palette', ['mod+k'], { whileTyping: true }),
    cmd('lane.others', ['tab'], { enabled: opts.enabled ?? (() => true) }),
  ]
  const d = createDispatcher({ commands: () => commands, blocked: opts.blocked ?? (() => false), now: () => clock })
  const press = (e: FakeEvent) => {
    d.handle(e as unknown as KeyboardEvent)
    return e
  }
  return { ran, press, tick: (ms: number) => (clock += ms) }
}

describe('the key dispatcher', () => {
  it('runs a command from its key and a g-sequence from its two keys', async () => {
    const { ran, press } = await rig()
    expect(press(key('r')).defaultPrevented).toBe(true)
    press(key('g'))
    press(key('i'))
    expect(ran).toEqual(['reject', 'go.inbox'])
  })

  it('forgets a sequence prefix after its timeout', async () => {
    const { ran, press, tick } = await rig()
    press(key('g'))
    tick(2000)
    press(key('i'))
    expect(ran).toEqual([])
  })

  it('runs nothing while a dialog holds the keyboard: what is typed there never becomes commands', async () => {
    const { ran, press } = await rig({ blocked: () => true })
    for (const k of ['r', 'g', 'i', 's', ' ', 't', 'e']) press(key(k))
    press(key('k', { ctrl: true }))
    expect(ran).toEqual([])
  })

  it('leaves plain keys to a text field, but not a chord meant for typing too', async () => {
    const { ran, press } = await rig()
    const field = new FakeTextArea()
    expect(press(key('r', { target: field })).defaultPrevented).toBe(false)
    press(key('k', { ctrl: true, target: field }))
    expect(ran).toEqual(['palette'])
  })

  it('lets a key through to the browser when its command is disabled', async () => {
    let onList = true
    const { ran, press } = await rig({ enabled: () => onList })
    expect(press(key('Tab')).defaultPrevented).toBe(true)
    onList = false
    expect(press(key('Tab')).defaultPrevented).toBe(false)
    expect(ran).toEqual(['lane.others'])
  })

  it('tells Shift+E (escalate) from E (edit), and takes `?` whatever Shift it was typed with', async () => {
    const { ran, press } = await rig()
    press(key('E', { shift: true }))
    press(key('e'))
    press(key('?', { shift: true }))
    expect(ran).toEqual(['escalate', 'edit', 'help'])
  })

  it('swallows the key after `g` when no sequence has it: `g r` never rejects', async () => {
    const { ran, press } = await rig()
    press(key('g'))
    expect(press(key('r')).defaultPrevented).toBe(true)
    expect(ran).toEqual([])
    // The sequence is over: the next r is a reject again.
    press(key('r'))
    expect(ran).toEqual(['reject'])
  })

  it('leaves Enter on a button to the button', async () => {
    const { ran, press } = await rig()
    expect(press(key('Enter', { target: new FakeButton() })).defaultPrevented).toBe(false)
    press(key('Enter'))
    expect(ran).toEqual(['open'])
  })

  it('runs keys from a checkbox (not a text field) but never from a text input', async () => {
    const { ran, press } = await rig()
    press(key('r', { target: new FakeInput('checkbox') }))
    press(key('r', { target: new FakeInput('text') }))
    press(key('g', { target: new FakeInput('search') }))
    press(key('i'))
    expect(ran).toEqual(['reject'])
  })

  it('ignores a key an input method is composing, or one a control has already handled', async () => {
    const { ran, press } = await rig()
    press(key('r', { composing: true }))
    press(key('r', { handled: true }))
    expect(ran).toEqual([])
  })

  it('gives a key to the view’s own command on its view, and to the global one elsewhere', async () => {
    const onView = await rig({ viewFirst: true })
    onView.press(key('a'))
    expect(onView.ran).toEqual(['review.acknowledge'])
    const elsewhere = await rig({ viewFirst: false })
    elsewhere.press(key('a'))
    expect(elsewhere.ran).toEqual(['approve'])
  })
})
