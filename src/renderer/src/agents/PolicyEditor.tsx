// The tool policy editor (issue 12 item 3), opened from the Agents view: pick a tool and whether the
// policy is the tenant's or the focused agent's override, edit it as a form, and see — before
// saving — what the draft would have done with the last 90 days of requests people decided: how
// many it would have auto-approved, and which of those a person had rejected or edited. The policy
// as saved and the backtest come from the server, so the editor needs the network and says so
// plainly without it. Saving queues a policy.set intent like every other write; a refusal comes
// back as the usual refusal toast and in the Queue view.
import { useEffect, useMemo, useState, type KeyboardEvent } from 'react'
import type { BacktestResult, PolicyEditorState, PolicyRoute } from '../../../shared/contract-domain'
import { call, errorCode, errorMessage } from '../state/api'
import { useTenants } from '../state/tenants-store'
import { Dialog } from '../ui/Dialog'
import { Keys } from '../ui/Kbd'
import { formatDateTime } from '../ui/format'
import { showToast } from '../state/toast-store'
import { PolicyBacktest } from './PolicyBacktest'
import { ROUTES, fromDraft, newRule, ruleFieldId, toDraft, type PolicyDraft, type RuleDraft } from './policy-draft'
import { DraftInput, Field } from './policy-fields'
import { RuleEditor } from './RuleEditor'

type Tool = Awaited<ReturnType<typeof call<'policies.tools'>>>[number]

const routeLabel = (r: PolicyRoute) => ROUTES.find((x) => x.value === r)?.label ?? r

export function PolicyEditor({
  tenantId,
  agent,
  onClose,
}: {
  tenantId: string
  /** The agent in focus: its override may be edited instead of the tenant's policy. */
  agent: { id: string; name: string } | null
  onClose: () => void
}) {
  const tenantName = useTenants((s) => s.byId.get(tenantId)?.name ?? 'this tenant')
  const [tools, setTools] = useState<Tool[] | null>(null)
  const [toolId, setToolId] = useState<string>('')
  const [forAgent, setForAgent] = useState(false)
  const [state, setState] = useState<PolicyEditorState | null>(null)
  const [loadError, setLoadError] = useState<string | null>(null)
  const [draft, setDraft] = useState<PolicyDraft | null>(null)
  const [backtest, setBacktest] = useState<BacktestResult | null>(null)
  const [backtestError, setBacktestError] = useState<string | null>(null)
  const [running, setRunning] = useState(false)
  const [showProblems, setShowProblems] = useState(false)
  const [saving, setSaving] = useState(false)
  /** A rule just added: its name field takes the focus, so the keyboard goes on typing there. */
  const [added, setAdded] = useState<RuleDraft | null>(null)
  useEffect(() => {
    if (added) document.getElementById(ruleFieldId(added, 'name'))?.focus()
  }, [added])

  useEffect(() => {
    let live = true
    call('policies.tools', { tenantId }).then(
      (list) => {
        if (!live) return
        setTools(list)
        setToolId((id) => id || (list.find((t) => t.writeAllowed) ?? list[0])?.id || '')
      },
      (err: unknown) => live && setLoadError(errorMessage(err)),
    )
    return () => {
      live = false
    }
  }, [tenantId])

  // The policy as the server holds it, each time the tool or the scope changes.
  const agentId = forAgent && agent ? agent.id : undefined
  useEffect(() => {
    if (!toolId) return
    let live = true
    setState(null)
    setDraft(null)
    setBacktest(null)
    setLoadError(null)
    call('policies.get', agentId ? { toolId, agentId } : { toolId }).then(
      (s) => {
        if (!live) return
        setState(s)
        // Starting from what applies now, but not under its name: a new policy is named afresh.
        setDraft(s.saved ? toDraft(s.saved) : { ...toDraft(s.inherited), name: '' })
        setShowProblems(false)
      },
      (err: unknown) => live && setLoadError(errorMessage(err)),
    )
    return () => {
      live = false
    }
  }, [toolId, agentId])

  const converted = useMemo(() => (draft ? fromDraft(draft) : null), [draft])
  const policyJson = converted?.policy ? JSON.stringify(converted.policy) : null

  // The backtest follows the draft: a short pause after the last keystroke, latest answer wins.
  useEffect(() => {
    if (!policyJson || !state) return
    let live = true
    setRunning(true)
    const timer = setTimeout(() => {
      const policy = JSON.parse(policyJson) as Parameters<typeof call<'policies.backtest'>>[1]['policy']
      call('policies.backtest', {
        toolId: state.tool.id,
        ...(state.agent ? { agentId: state.agent.id } : {}),
        policy,
      }).then(
        (r) => {
          if (!live) return
          setBacktest(r)
          setBacktestError(null)
          setRunning(false)
        },
        (err: unknown) => {
          if (!live) return
          setBacktestError(
            errorCode(err) === 'offline'
              ? 'No backtest: the server cannot be reached. It needs the decided requests on the server; you can still save, and the change will be queued.'
              : `No backtest: ${errorMessage(err)}`,
          )
          setRunning(false)
        },
      )
    }, 300)
    return () => {
      live = false
      clearTimeout(timer)
    }
  }, [policyJson, state])

  const problems = (showProblems && converted?.problems) || {}
  const update = (patch: Partial<PolicyDraft>) => setDraft((d) => (d ? { ...d, ...patch } : d))
  const setRule = (i: number, r: RuleDraft) =>
    setDraft((d) => (d ? { ...d, rules: d.rules.map((x, j) => (j === i ? r : x)) } : d))

  async function save(): Promise<void> {
    if (!state || !converted || saving) return
    if (!converted.policy) {
      setShowProblems(true)
      const first = Object.keys(converted.problems)[0]
      if (first) document.getElementById(first)?.focus()
      return
    }
    setSaving(true)
    try {
      await call('intents.create', {
        kind: 'policy.set',
        args: {
          tool_id: state.tool.id,
          ...(state.agent ? { agent_id: state.agent.id } : {}),
          policy: converted.policy,
        },
      })
      showToast({
        tone: 'success',
        message: `Policy for ${state.tool.app}.${state.tool.key} queued`,
        ms: 3000,
      })
      onClose()
    } catch (err) {
      showToast({ tone: 'error', message: `Not queued: ${errorMessage(err)}`, ms: 7000 })
      setSaving(false)
    }
  }

  const onKeyDown = (e: KeyboardEvent<HTMLFormElement>) => {
    if (e.key === 'Enter' && (e.metaKey || e.ctrlKey)) {
      e.preventDefault()
      void save()
    }
  }

  const currency = state?.baseCurrency ?? ''
  const tool = tools?.find((t) => t.id === toolId)
  return (
    <Dialog
      title="Tool policy"
      description={`What needs a person when an agent of ${tenantName} calls a tool. The first rule whose conditions all hold decides; otherwise the default does.`}
      onClose={onClose}
      className="dialog-wide policy-editor"
    >
      <form
        onKeyDown={onKeyDown}
        onSubmit={(e) => {
          e.preventDefault()
          void save()
        }}
        data-testid="policy-editor"
      >
        <div className="policy-scope">
          <Field id="policy-tool" label="Tool">
            <select
              id="policy-tool"
              data-autofocus
              value={toolId}
              onChange={(e) => setToolId(e.target.value)}
              disabled={!tools?.length}
            >
              {tools?.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.app}.{t.key}
                  {t.writeAllowed ? '' : ' (read-only)'}
                </option>
              ))}
            </select>
          </Field>
          <fieldset className="field">
            <legend>Applies to</legend>
            <div className="radios">
              <label>
                <input
                  type="radio"
                  name="policy-scope"
                  checked={!forAgent}
                  onChange={() => setForAgent(false)}
                />{' '}
                Every agent
              </label>
              <label>
                <input
                  type="radio"
                  name="policy-scope"
                  checked={forAgent}
                  disabled={!agent}
                  onChange={() => setForAgent(true)}
                />{' '}
                {agent ? `Only ${agent.name} (override)` : 'One agent (choose one in the list first)'}
              </label>
            </div>
          </fieldset>
        </div>
        {tools && tools.length === 0 && (
          <p className="banner banner-info">
            You may not set policies for any tool of {tenantName}: that needs the policies:manage permission.
          </p>
        )}
        {tool && !tool.writeAllowed && (
          <p className="banner banner-info">
            This tool may not write: the intake refuses its calls whatever the policy says.
          </p>
        )}
        {loadError && (
          <p className="banner banner-error" data-testid="policy-load-error">
            {loadError}
          </p>
        )}
        {!loadError && toolId && !state && <p className="muted">Reading the policy from the server…</p>}
        {state && draft && (
          <>
            <p className="muted" data-testid="policy-saved-state">
              {state.saved
                ? `Saved ${state.savedAt ? formatDateTime(state.savedAt) : ''}.`
                : state.agent
                  ? `No override for ${state.agent.name} yet: the tenant’s policy applies, shown below as the starting point.`
                  : `No policy saved yet: the tool’s default applies (${routeLabel(state.inherited.approval)}), shown below as the starting point.`}
            </p>
            <div className="policy-grid">
              <div className="policy-form">
                <DraftInput
                  id="policy-name"
                  label="Policy name"
                  help="Recorded with every request it routes."
                  value={draft.name}
                  maxLength={200}
                  onChange={(name) => update({ name })}
                />
                <fieldset className="field">
                  <legend>When no rule matches</legend>
                  <div className="radios policy-routes">
                    {ROUTES.map((r) => (
                      <label key={r.value} title={r.help}>
                        <input
                          type="radio"
                          name="policy-approval"
                          value={r.value}
                          checked={draft.approval === r.value}
                          onChange={() => update({ approval: r.value })}
                        />{' '}
                        {r.label}
                      </label>
                    ))}
                  </div>
                </fieldset>
                <div className="policy-pair">
                  <DraftInput
                    id="policy-risk"
                    label="Risk (0–5)"
                    help={`Empty: the tool’s ${tool?.riskDefault ?? ''}`}
                    value={draft.risk}
                    inputMode="numeric"
                    problem={problems['policy-risk']}
                    onChange={(risk) => update({ risk })}
                  />
                  <DraftInput
                    id="policy-expires"
                    label="Expires after (hours)"
                    help="Empty: 24 hours; then denied"
                    value={draft.expiresHours}
                    inputMode="decimal"
                    problem={problems['policy-expires']}
                    onChange={(expiresHours) => update({ expiresHours })}
                  />
                </div>
                <fieldset className="field policy-approvers" aria-describedby="policy-approvers-help">
                  <legend>Approvers</legend>
                  <span id="policy-approvers-help" className="field-help muted">
                    None ticked: anyone who may decide in the tenant.
                  </span>
                  {state.approvers.map((p) => (
                    <label key={p.id}>
                      <input
                        type="checkbox"
                        checked={draft.approverIds.includes(p.id)}
                        onChange={(e) =>
                          update({
                            approverIds: e.target.checked
                              ? [...draft.approverIds, p.id]
                              : draft.approverIds.filter((x) => x !== p.id),
                          })
                        }
                      />{' '}
                      {p.name}
                    </label>
                  ))}
                  {problems['policy-approvers'] && (
                    <span className="field-error" role="alert">
                      {problems['policy-approvers']}
                    </span>
                  )}
                </fieldset>
                <h3>Rules</h3>
                {draft.rules.length === 0 && (
                  <p className="muted">No rules: every request takes the default above.</p>
                )}
                {draft.rules.map((r, i) => (
                  <RuleEditor
                    key={r.uid}
                    rule={r}
                    index={i}
                    count={draft.rules.length}
                    currency={currency}
                    problems={problems}
                    onChange={(next) => setRule(i, next)}
                    onRemove={() => update({ rules: draft.rules.filter((_, j) => j !== i) })}
                    onMove={(by) => {
                      const rules = [...draft.rules]
                      const [moved] = rules.splice(i, 1)
                      if (moved) rules.splice(i + by, 0, moved)
                      update({ rules })
                    }}
                  />
                ))}
                <button
                  type="button"
                  onClick={() => {
                    const rule = newRule()
                    update({ rules: [...draft.rules, rule] })
                    setAdded(rule)
                  }}
                  disabled={draft.rules.length >= 50}
                >
                  Add a rule
                </button>
              </div>
              <PolicyBacktest
                result={policyJson ? backtest : null}
                running={running}
                error={backtestError}
                currency={currency}
              />
            </div>
            {converted?.problems && !showProblems && (
              <p className="muted">The draft is not complete yet: its backtest waits for it.</p>
            )}
          </>
        )}
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={!state || saving}>
            Save policy <Keys binding="mod+enter" />
          </button>
        </div>
      </form>
    </Dialog>
  )
}
