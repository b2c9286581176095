// The text a review step asks for — an escalation's resolution, notes on a flag, a change set's
// comment — in a modal dialog (decisions/ReasonDialog on ui/Dialog: traps keys, ⌘/Ctrl+Enter
// submits, Esc cancels). A view's command opens it with `openNotesDialog`; ReviewSplit hosts it.
import { create } from 'zustand'
import { ReasonDialog, type ReasonDialogProps } from '../decisions/ReasonDialog'

/** What a review step asks for: the dialog's wording and what to do with the text; the host closes it. */
export type NotesRequest = Pick<
  ReasonDialogProps,
  'title' | 'description' | 'label' | 'submitLabel' | 'required' | 'requiredMessage' | 'onSubmit'
>

const useNotes = create<{ request: NotesRequest | null; seq: number }>(() => ({ request: null, seq: 0 }))

export function openNotesDialog(request: NotesRequest): void {
  useNotes.setState((s) => ({ request, seq: s.seq + 1 }))
}

function close(): void {
  useNotes.setState({ request: null })
}

export function NotesDialogHost() {
  const { request, seq } = useNotes()
  if (!request) return null
  return <ReasonDialog key={seq} {...request} onClose={close} />
}
