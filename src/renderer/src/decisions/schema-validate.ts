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
      return r.success ? [] : r.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }))
    }
  } catch (err) {
    const message = `The tool's schema could not be read (${err instanceof Error ? err.message : 'unknown'}); the server will check the edits.`
    validator = () => [{ path: '', message }]
  }
  cache.set(schema, validator)
  return validator
}
