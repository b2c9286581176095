// The policy editor's labelled fields: every input is tied to its help and to its problem
// (aria-describedby), so a draft's errors are read out at the field they concern.
import type { HTMLAttributes, ReactNode } from 'react'

export function Field({
  id,
  label,
  problem,
  help,
  children,
}: {
  id: string
  label: string
  problem?: string | undefined
  help?: string | undefined
  children: ReactNode
}) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children}
      {help && (
        <span id={`${id}-help`} className="field-help muted">
          {help}
        </span>
      )}
      {problem && (
        <span id={`${id}-problem`} className="field-error" role="alert">
          {problem}
        </span>
      )}
    </div>
  )
}

/** One text field of the draft: its label, help and problem wired to the input. */
export function DraftInput({
  id,
  label,
  value,
  problem,
  help,
  inputMode,
  maxLength,
  onChange,
}: {
  id: string
  label: string
  value: string
  problem?: string | undefined
  help?: string
  inputMode?: HTMLAttributes<HTMLInputElement>['inputMode']
  maxLength?: number
  onChange: (value: string) => void
}) {
  const describedBy = [help ? `${id}-help` : null, problem ? `${id}-problem` : null].filter(Boolean).join(' ')
  return (
    <Field id={id} label={label} problem={problem} help={help}>
      <input
        id={id}
        value={value}
        inputMode={inputMode}
        maxLength={maxLength}
        aria-invalid={problem ? true : undefined}
        aria-describedby={describedBy || undefined}
        onChange={(e) => onChange(e.target.value)}
      />
    </Field>
  )
}
