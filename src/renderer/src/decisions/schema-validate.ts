// Validates an edited payload against the tool's JSON schema in the renderer. Ajv compiles schemas
// into code with `new Function`, which the console's CSP (no 'unsafe-eval') refuses, so this uses
// zod's JSON-schema reader in jitless mode; sync_push validates again on the server regardless.
import { z } from 'zod'

z.config({ jitless: true })

export interface SchemaProblem {
  path: string
  message: string
}

export type Validator = (value: unknown) => SchemaProblem[]

type Issue = z.core.$ZodIssue

function list(values: readonly unknown[]): string {
  return values.map((v) => (typeof v === 'string' ? `“${v}”` : String(v))).join(', ')
}

const TYPE_WORDS: Record<string, string> = { number: 'a number', int: 'a whole number', string: 'text', boolean: 'yes or no', object: 'a group of fields', array: 'a list' }

/**
 * A schema problem in words a reviewer reads: "must be 10,000 or less", "must have the expected
 * form" — never the regular expression or the validator's own phrasing.
 */
export function plainMessage(issue: Issue): string {
  switch (issue.code) {
    case 'too_small': {
      const min = Number(issue.minimum)
      if (issue.origin === 'string') return min <= 1 ? 'must not be empty' : `must be at least ${min} characters`
      if (issue.origin === 'array') return `must have at least ${min} item${min === 1 ? '' : 's'}`
      return issue.inclusive ? `must be ${min.toLocaleString()} or more` : `must be more than ${min.toLocaleString()}`
    }
    case 'too_big': {
      const max = Number(issue.maximum)
      if (issue.origin === 'string') return `must be at most ${max} characters`
      if (issue.origin === 'array') return `must have at most ${max} items`
      return issue.inclusive ? `must be ${max.toLocaleString()} or less` : `must be less than ${max.toLocaleString()}`
    }
    case 'invalid_type':
      return `must be ${TYPE_WORDS[issue.expected] ?? issue.expected}`
    case 'invalid_value':
      return `must be one of ${list(issue.values)}`
    case 'invalid_format':
      return issue.format === 'email' ? 'must be an email address' : 'does not have the expected form'
    case 'unrecognized_keys':
      return `${list(issue.keys)} ${issue.keys.length === 1 ? 'is not a field' : 'are not fields'} of this tool`
    case 'not_multiple_of':
      return `must be a multiple of ${String(issue.divisor)}`
    default:
      return 'is not valid here'
  }
}

const cache = new WeakMap<object, Validator>()

export function validatorFor(schema: unknown): Validator | null {
  if (typeof schema !== 'object' || schema === null) return null
  const hit = cache.get(schema)
  if (hit) return hit
  let validator: Validator
  try {
    const zs = z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0])
    validator = (value) => {
      const r = zs.safeParse(value)
      return r.success ? [] : r.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: plainMessage(i) }))
    }
  } catch (err) {
    const message = `The tool's schema could not be read (${err instanceof Error ? err.message : 'unknown'}); the server will check the edits.`
    validator = () => [{ path: '', message }]
  }
  cache.set(schema, validator)
  return validator
}
