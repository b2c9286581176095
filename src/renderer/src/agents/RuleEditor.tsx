// One rule of a tool policy: its name, what it routes to, and the conditions that must all hold.
import type { PolicyRoute } from '../../../shared/contract-domain'
import { CONDITIONS, ROUTES, ruleFieldId, type RuleDraft } from './policy-draft'
import { DraftInput, Field } from './policy-fields'

/** The unit a condition's number is read in, after its label. */
function unit(kind: (typeof CONDITIONS)[number]['kind'], currency: string): string {
  if (kind === 'amount') return ` (${currency})`
  if (kind === 'trust') return ' (0–1)'
  if (kind === 'risk') return ' (0–5)'
  return ''
}

export function RuleEditor({
  rule,
  index,
  count,
  currency,
  problems,
  onChange,
  onRemove,
  onMove,
}: {
  rule: RuleDraft
  index: number
  count: number
  currency: string
  problems: Record<string, string>
  onChange: (r: RuleDraft) => void
  onRemove: () => void
  onMove: (by: -1 | 1) => void
}) {
  const nameId = ruleFieldId(rule, 'name')
  const routeId = ruleFieldId(rule, 'route')
  return (
    <fieldset className="policy-rule" data-testid="policy-rule">
      <legend>
        Rule {index + 1}
        {rule.name.trim() ? ` · ${rule.name.trim()}` : ''}
      </legend>
      <div className="policy-rule-head">
        <DraftInput
          id={nameId}
          label="Name"
          value={rule.name}
          maxLength={100}
          problem={problems[nameId]}
          onChange={(name) => onChange({ ...rule, name })}
        />
        <Field id={routeId} label="Then">
          <select
            id={routeId}
            value={rule.route}
            onChange={(e) => onChange({ ...rule, route: e.target.value as PolicyRoute })}
          >
            {ROUTES.map((r) => (
              <option key={r.value} value={r.value}>
                {r.label}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <div className="policy-conditions">
        {CONDITIONS.map((c) => {
          const id = ruleFieldId(rule, c.key)
          return (
            <DraftInput
              key={c.key}
              id={id}
              label={`${c.label}${unit(c.kind, currency)}`}
              value={rule.when[c.key]}
              inputMode="decimal"
              problem={problems[id]}
              onChange={(v) => onChange({ ...rule, when: { ...rule.when, [c.key]: v } })}
            />
          )
        })}
      </div>
      <div className="policy-rule-actions">
        <button type="button" disabled={index === 0} onClick={() => onMove(-1)}>
          Move up
        </button>
        <button type="button" disabled={index === count - 1} onClick={() => onMove(1)}>
          Move down
        </button>
        <button type="button" onClick={onRemove}>
          Remove rule {index + 1}
        </button>
      </div>
    </fieldset>
  )
}
