// Approve with edits: the payload as a form built from the tool's JSON schema (or as JSON), checked
// against that schema on every change, with a field-by-field diff of what the edit changes.
// Ctrl/⌘+Enter approves the edited payload.
import { useMemo, useState, type KeyboardEvent } from 'react'
import type { ApprovalDetail, ApprovalListItem } from '../../../shared/contract-domain'
import { toolArgs } from '../detail/sections'
import { Dialog } from '../ui/Dialog'
import { Keys } from '../ui/Kbd'
import { humanize } from '../ui/format'
import { submitEdit } from './actions'
import { diffFields } from './payload-diff'
import { validatorFor, type SchemaProblem } from './schema-validate'

type Scalar = 'string' | 'number' | 'integer' | 'boolean'

interface FieldSpec {
  /** Where the field sits in the payload: keys of objects, indexes of lists. */
  path: (string | number)[]
  /** The path as the validator names it (`properties.amount`, `lines.0.account`). */
  id: string
  label: string
  type: Scalar
  enumValues: readonly (string | number)[] | null
  description: string | null
  required: boolean
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

const SCALARS = ['string', 'number', 'integer', 'boolean']
/** Nesting deeper than this is edited as JSON: a form that deep is no longer read at a glance. */
const MAX_DEPTH = 4

/**
 * The scalar fields a form can edit, nested ones included — an object's fields under its name
 * ("Properties · Amount"), a list's items numbered ("Lines 2 · Account") — or null when the value
 * is not an object.
 */
function formFields(schema: unknown, value: unknown): FieldSpec[] | null {
  if (!isRecord(value)) return null
  const fields: FieldSpec[] = []
  collect(schema, value, [], [], fields)
  return fields
}

function collect(schema: unknown, value: Record<string, unknown>, path: (string | number)[], labels: string[], out: FieldSpec[]): void {
  const props = isRecord(schema) && isRecord(schema['properties']) ? schema['properties'] : null
  const required = isRecord(schema) && Array.isArray(schema['required']) ? (schema['required'] as unknown[]) : []
  // jsonb does not keep key order, so the schema's own order is lost: required fields first, in
  // the order `required` lists them (arrays keep order), then the rest alphabetically.
  const declared = props ? Object.keys(props) : Object.keys(value)
  const keys = [
    ...required.filter((k): k is string => typeof k === 'string' && declared.includes(k)),
    ...declared.filter((k) => !required.includes(k)).sort(),
  ]
  for (const key of keys) {
    const p = props && isRecord(props[key]) ? (props[key] as Record<string, unknown>) : {}
    field(p, value[key], [...path, key], [...labels, humanize(key)], required.includes(key), out)
  }
}

function field(p: Record<string, unknown>, v: unknown, path: (string | number)[], labels: string[], required: boolean, out: FieldSpec[]): void {
  const declaredType = typeof p['type'] === 'string' ? p['type'] : null
  const type = declaredType ?? (typeof v === 'boolean' ? 'boolean' : typeof v === 'number' ? 'number' : typeof v === 'string' ? 'string' : isRecord(v) ? 'object' : Array.isArray(v) ? 'array' : null)
  if (path.length > MAX_DEPTH) return
  if (type === 'object' && isRecord(v)) return collect(p, v, path, labels, out)
  if (type === 'array' && Array.isArray(v)) {
    const items = isRecord(p['items']) ? p['items'] : {}
    v.forEach((item, i) => field(items, item, [...path, i], [...labels.slice(0, -1), `${labels.at(-1) ?? ''} ${i + 1}`], true, out))
    return
  }
  if (!type || !SCALARS.includes(type)) return
  out.push({
    path,
    id: path.map(String).join('.'),
    label: labels.join(' · '),
    type: type as Scalar,
    enumValues: Array.isArray(p['enum']) ? (p['enum'] as (string | number)[]) : null,
    description: typeof p['description'] === 'string' ? p['description'] : null,
    required,
  })
}

function getAt(value: unknown, path: readonly (string | number)[]): unknown {
  let v = value
  for (const step of path) v = isRecord(v) || Array.isArray(v) ? (v as Record<string | number, unknown>)[step] : undefined
  return v
}

/** A copy of `value` with the field at `path` set (the objects and lists on the way copied too). */
function setAt(value: unknown, path: readonly (string | number)[], next: unknown): unknown {
  if (path.length === 0) return next
  const [step, ...rest] = path
  if (Array.isArray(value)) {
    const copy = value.slice()
    copy[step as number] = setAt(copy[step as number], rest, next)
    return copy
  }
  const obj = isRecord(value) ? value : {}
  return { ...obj, [step as string]: setAt(obj[step as string], rest, next) }
}

/** A validator path in the form's words: `lines.0.account` → "Lines · 1 · Account". */
function problemLabel(path: string): string {
  return path
    .split('.')
    .map((step) => (/^\d+$/.test(step) ? String(Number(step) + 1) : humanize(step)))
    .join(' · ')
}

function toFieldValue(spec: FieldSpec, raw: string): unknown {
  if (spec.type === 'number' || spec.type === 'integer') {
    const n = Number(raw)
    return raw.trim() !== '' && Number.isFinite(n) ? n : raw
  }
  if (spec.type === 'boolean') return raw === 'true'
  if (spec.enumValues && typeof spec.enumValues[0] === 'number') return Number(raw)
  return raw
}

export function EditDialog({ item, detail, onClose }: { item: ApprovalListItem; detail: ApprovalDetail; onClose: () => void }) {
  const original = useMemo(
    () => (item.kind === 'tool_call' ? toolArgs(detail.payload) : detail.payload),
    [item.kind, detail.payload],
  )
  const wrapped = original !== detail.payload
  const fields = useMemo(() => formFields(detail.toolSchema, original), [detail.toolSchema, original])
  const [mode, setMode] = useState<'form' | 'json'>(fields && fields.length > 0 ? 'form' : 'json')
  const [draft, setDraft] = useState<unknown>(() => structuredClone(original))
  const [jsonText, setJsonText] = useState(() => JSON.stringify(original, null, 2))
  const [jsonError, setJsonError] = useState<string | null>(null)
  // What the reviewer typed, per field: "19." must stay "19." while the number is being written.
  const [typed, setTyped] = useState<Record<string, string>>({})
  const [note, setNote] = useState('')
  const [attempted, setAttempted] = useState(false)
  const validate = useMemo(() => validatorFor(detail.toolSchema), [detail.toolSchema])

  const problems: SchemaProblem[] = jsonError ? [{ path: '', message: jsonError }] : (validate?.(draft) ?? [])
  const changes = useMemo(() => diffFields(original, draft), [original, draft])

  const setField = (spec: FieldSpec, raw: string) => {
    if (!isRecord(draft)) return
    setTyped({ ...typed, [spec.id]: raw })
    setDraft(setAt(draft, spec.path, toFieldValue(spec, raw)))
  }
  const onJson = (text: string) => {
    setJsonText(text)
    try {
      setDraft(JSON.parse(text))
      setJsonError(null)
    } catch (err) {
      setJsonError(`Not valid JSON: ${err instanceof Error ? err.message : 'parse error'}`)
    }
  }
  const switchMode = () => {
    if (mode === 'form') {
      setJsonText(JSON.stringify(draft, null, 2))
      setMode('json')
    } else if (!jsonError) {
      setTyped({})
      setMode('form')
    }
  }
  const submit = () => {
    setAttempted(true)
    if (problems.length > 0 || changes.length === 0) return
    onClose()
    submitEdit(item, wrapped && isRecord(detail.payload) ? { ...detail.payload, args: draft } : draft, note.trim())
  }
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Enter' && (e.metaKey || e.ctrlKey)) {
      e.preventDefault()
      submit()
    }
  }

  return (
    <Dialog
      title="Approve with edits"
      description={
        <>
          {item.title}
          {detail.tool && (
            <span className="muted">
              {' '}
              · {detail.tool.app} · {detail.tool.key}
            </span>
          )}
        </>
      }
      onClose={onClose}
      className="dialog-wide"
    >
      <div className="editor" onKeyDown={onKeyDown}>
        <div className="editor-toolbar">
          {fields && fields.length > 0 && (
            <button type="button" className="link" onClick={switchMode} disabled={mode === 'json' && jsonError !== null}>
              {mode === 'form' ? 'Edit as JSON' : 'Edit as form'}
            </button>
          )}
          <span className="muted">{validate ? 'Checked against the tool’s schema' : 'No schema for this payload: the server checks it'}</span>
        </div>
        {mode === 'form' && fields && isRecord(draft) ? (
          <div className="editor-form">
            {fields.map((f, i) => {
              const value = getAt(draft, f.path)
              const raw = typed[f.id] ?? (value === undefined || value === null ? '' : String(value))
              const problem = problems.find((p) => p.path === f.id)
              return (
                <label key={f.id} className={`field${problem ? ' field-invalid' : ''}`}>
                  <span>
                    {f.label}
                    {f.required && <span aria-hidden="true"> *</span>}
                  </span>
                  {f.enumValues || f.type === 'boolean' ? (
                    <select value={raw} onChange={(e) => setField(f, e.target.value)} data-autofocus={i === 0 ? true : undefined} aria-invalid={!!problem}>
                      {(f.enumValues ?? [true, false]).map((o) => (
                        <option key={String(o)} value={String(o)}>
                          {String(o)}
                        </option>
                      ))}
                    </select>
                  ) : (
                    <input
                      value={raw}
                      inputMode={f.type === 'string' ? undefined : 'decimal'}
                      onChange={(e) => setField(f, e.target.value)}
                      data-autofocus={i === 0 ? true : undefined}
                      aria-invalid={!!problem}
                      name={f.id}
                    />
                  )}
                  {f.description && <span className="muted field-help">{f.description}</span>}
                  {problem && <span className="field-error">{problem.message}</span>}
                </label>
              )
            })}
          </div>
        ) : (
          <label className="field">
            <span>Payload (JSON)</span>
            <textarea className="json-editor" rows={14} value={jsonText} onChange={(e) => onJson(e.target.value)} spellCheck={false} data-autofocus aria-invalid={problems.length > 0} />
          </label>
        )}
        {problems.length > 0 && (
          <ul className="problems" role="alert" aria-label="Schema problems">
            {problems.map((p, i) => (
              <li key={i}>
                <strong>{p.path ? problemLabel(p.path) : 'Payload'}:</strong> {p.message}
              </li>
            ))}
          </ul>
        )}
        <section className="payload-diff" aria-label="What changed">
          <h3>What changes</h3>
          {changes.length === 0 ? (
            <p className="muted">{attempted ? 'Nothing changed: press A on the request to approve it as it is.' : 'Nothing yet.'}</p>
          ) : (
            <table className="data-table">
              <tbody>
                {changes.map((c) => (
                  <tr key={c.path} className={`change-${c.kind}`}>
                    <th scope="row">{c.path || 'payload'}</th>
                    <td className="diff-del-text">{c.before !== undefined ? <>− {c.before}</> : ''}</td>
                    <td className="diff-add-text">{c.after !== undefined ? <>+ {c.after}</> : ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
        <label className="field">
          <span>Note for the agent (optional)</span>
          <input value={note} onChange={(e) => setNote(e.target.value)} />
        </label>
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            Cancel <Keys binding="escape" />
          </button>
          <button type="button" className="primary" onClick={submit} disabled={attempted && (problems.length > 0 || changes.length === 0)}>
            Approve with edits <Keys binding="mod+enter" />
          </button>
        </div>
      </div>
    </Dialog>
  )
}
