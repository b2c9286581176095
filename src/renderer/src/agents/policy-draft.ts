// A tool policy as the editor's form holds it (text fields as typed) and the conversion to the
// policy the server stores (agent_policy_schema()), with a plain sentence for each field that does
// not convert. The core validates the result again against the contract, the server once more.
import type { PolicyRoute, PolicyRule, PolicyWhen, ToolPolicy } from '../../../shared/contract-domain'

export const ROUTES: { value: PolicyRoute; label: string; help: string }[] = [
  { value: 'auto', label: 'Auto-approve', help: 'approved at once by the policy' },
  { value: 'required', label: 'One person', help: 'a reviewer decides' },
  { value: 'four_eyes', label: 'Four eyes', help: 'two different reviewers approve' },
  { value: 'deny', label: 'Deny', help: 'rejected at once by the policy' },
]

/** The conditions a rule may set, in the order the form shows them. */
export const CONDITIONS = [
  { key: 'amount_above', label: 'Amount above', kind: 'amount' },
  { key: 'amount_at_most', label: 'Amount at most', kind: 'amount' },
  { key: 'risk_above', label: 'Risk above', kind: 'risk' },
  { key: 'risk_at_most', label: 'Risk at most', kind: 'risk' },
  { key: 'trust_below', label: 'Trust below', kind: 'trust' },
  { key: 'trust_at_least', label: 'Trust at least', kind: 'trust' },
  { key: 'from_hour', label: 'From hour', kind: 'from_hour' },
  { key: 'until_hour', label: 'Until hour', kind: 'until_hour' },
] as const satisfies readonly { key: keyof PolicyWhen; label: string; kind: string }[]

export type ConditionKey = (typeof CONDITIONS)[number]['key']

export interface RuleDraft {
  /** Stable across edits, for React keys and field ids. */
  uid: number
  name: string
  route: PolicyRoute
  when: Record<ConditionKey, string>
}

export interface PolicyDraft {
  name: string
  approval: PolicyRoute
  /** '' = the tool's default risk. */
  risk: string
  /** '' = the server's default (24 hours). */
  expiresHours: string
  approverIds: string[]
  rules: RuleDraft[]
}

let uid = 0
const emptyWhen = (): Record<ConditionKey, string> =>
  Object.fromEntries(CONDITIONS.map((c) => [c.key, ''])) as Record<ConditionKey, string>

export function newRule(): RuleDraft {
  return { uid: ++uid, name: '', route: 'auto', when: emptyWhen() }
}

export function toDraft(p: ToolPolicy): PolicyDraft {
  return {
    name: p.name ?? '',
    approval: p.approval,
    risk: p.risk === null || p.risk === undefined ? '' : String(p.risk),
    expiresHours: p.expires_in_seconds === undefined ? '' : String(+(p.expires_in_seconds / 3600).toFixed(4)),
    approverIds: p.approver_ids ?? [],
    rules: (p.rules ?? []).map((r) => {
      const when = emptyWhen()
      for (const c of CONDITIONS) {
        const v = r.when[c.key]
        if (v !== undefined) when[c.key] = String(v)
      }
      return { uid: ++uid, name: r.name, route: r.route, when }
    }),
  }
}

/** Field id → what is wrong with it, in words. */
export type Problems = Record<string, string>

export const ruleFieldId = (r: RuleDraft, field: string) => `rule-${r.uid}-${field}`

function numberIn(text: string, min: number, max: number, integer: boolean): number | string {
  const t = text.trim()
  if (!/^\d+(\.\d+)?$/.test(t))
    return integer ? `a whole number from ${min} to ${max}` : `a number from ${min} to ${max}`
  const n = Number(t)
  if (integer && !Number.isInteger(n)) return `a whole number from ${min} to ${max}`
  if (n < min || n > max) return `from ${min} to ${max}`
  return n
}

const RANGES: Record<(typeof CONDITIONS)[number]['kind'], [number, number, boolean]> = {
  amount: [0, 1e12, false],
  risk: [0, 5, true],
  trust: [0, 1, false],
  from_hour: [0, 23, true],
  until_hour: [1, 24, true],
}

/** The policy the draft describes, or the problems that stop it from being one. */
export function fromDraft(
  d: PolicyDraft,
): { policy: ToolPolicy; problems: null } | { policy: null; problems: Problems } {
  const problems: Problems = {}
  const policy: ToolPolicy = { approval: d.approval }
  if (d.name.trim()) policy.name = d.name.trim().slice(0, 200)
  if (d.risk.trim()) {
    const r = numberIn(d.risk, 0, 5, true)
    if (typeof r === 'string') problems['policy-risk'] = `Risk must be ${r}.`
    else policy.risk = r
  }
  if (d.expiresHours.trim()) {
    const h = numberIn(d.expiresHours, 1 / 60, 720, false)
    if (typeof h === 'string')
      problems['policy-expires'] = 'Expiry must be between 1 minute (0.02 h) and 720 hours.'
    else policy.expires_in_seconds = Math.max(60, Math.round(h * 3600))
  }
  if (d.approverIds.length > 0) policy.approver_ids = d.approverIds
  const fourEyes = d.approval === 'four_eyes' || d.rules.some((r) => r.route === 'four_eyes')
  if (fourEyes && d.approverIds.length === 1)
    problems['policy-approvers'] = 'Four eyes needs two approvers: name two or more, or none.'
  const rules: PolicyRule[] = []
  const names = new Set<string>()
  for (const r of d.rules) {
    const name = r.name.trim()
    if (!name)
      problems[ruleFieldId(r, 'name')] = 'Name the rule: the name is recorded with every request it routes.'
    else if (names.has(name))
      problems[ruleFieldId(r, 'name')] = 'Two rules have this name; names tell them apart in the audit.'
    names.add(name)
    const when: PolicyWhen = {}
    for (const c of CONDITIONS) {
      const text = r.when[c.key]
      if (!text.trim()) continue
      const [min, max, integer] = RANGES[c.kind]
      const v = numberIn(text, min, max, integer)
      if (typeof v === 'string') problems[ruleFieldId(r, c.key)] = `${c.label} must be ${v}.`
      else when[c.key] = v
    }
    rules.push({ name: name.slice(0, 100), route: r.route, when })
  }
  if (rules.length > 0) policy.rules = rules
  return Object.keys(problems).length > 0 ? { policy: null, problems } : { policy, problems: null }
}
