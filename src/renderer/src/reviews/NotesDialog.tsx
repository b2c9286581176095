// The text a review step asks for — an escalation's resolution, notes on a flag, a change set's
// comment — in a modal dialog (decisions/ReasonDialog on ui/Dialog: traps keys, ⌘/Ctrl+Enter
// submits, Esc cancels). A view's command opens it with `openNotesDialog`; ReviewSplit hosts it.
import type { ReactNode } from 'react'
import { create } from 'zustand'
import { ReasonDialog } from '../decisions/ReasonDialog'

export interface NotesRequest {
  title: string
  /** What is being reviewed, shown under the title. */
  description?: ReactNode
  label: string
  submitLabel: string
  required: boolean
  /** Shown when a required text is missing. */
  requiredMessage?: string
  onSubmit: (text: string) => void
}

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
  return (
    <ReasonDialog
      key={seq}
      title={request.title}
      description={request.description}
      label={request.label}
      submitLabel={request.submitLabel}
      required={request.required}
      requiredMessage={request.requiredMessage}
      onSubmit={request.onSubmit}
      onClose={close}
    />
  )
}
