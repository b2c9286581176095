// The console's copy of public.json_schema_errors (supabase/migrations/20261121000310): the same
// keyword subset, the same fail-closed answer for any other keyword, so the pre-flight refuses an
// edit exactly when the server would (decision rule `edit_schema`, code invalid_payload).
import { compare, decimalOf, isMultipleOf, type Decimal } from './decimal'

type Json = unknown

const ANNOTATIONS = new Set([
  'title',
  'description',
  'default',
  'examples',
  'format',
  '$schema',
  '$id',
  '$comment',
  'readOnly',
  'writeOnly',
  'deprecated',
  // Where a tool's arguments say how much money the call moves (decision-rules.ts MoneySpec).
  'x-money',
])

export function jsonType(v: Json): string {
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'array'
  if (typeof v === 'object') return 'object'
  return typeof v // string | number | boolean
}

function isObject(v: Json): v is Record<string, Json> {
  return jsonType(v) === 'object'
}

/** JSON equality as jsonb compares values (key order never matters). */
export function jsonEqual(a: Json, b: Json): boolean {
  const t = jsonType(a)
  if (t !== jsonType(b)) return false
  if (t === 'number') {
    const x = decimalOf(a as number)
    const y = decimalOf(b as number)
    return x !== null && y !== null && compare(x, y) === 0
  }
  if (t === 'array') {
    const x = a as Json[]
    const y = b as Json[]
    return x.length === y.length && x.every((v, i) => jsonEqual(v, y[i]))
  }
  if (t === 'object') {
    const x = a as Record<string, Json>
    const y = b as Record<string, Json>
    const keys = Object.keys(x)
    return keys.length === Object.keys(y).length && keys.every((k) => Object.hasOwn(y, k) && jsonEqual(x[k], y[k]))
  }
  return a === b
}

function num(v: Json): Decimal | null {
  return typeof v === 'number' ? decimalOf(v) : null
}

/** Every way `value` breaks `schema`, as "$.path: why" lines; empty when it conforms. */
export function schemaErrors(schema: Json, value: Json, path = '$'): string[] {
  if (schema === null || schema === undefined || schema === true) return []
  if (schema === false) return [`${path}: no value is allowed here`]
  if (!isObject(schema)) return [`${path}: the schema is not an object`]
  const errors: string[] = []
  const type = jsonType(value)
  for (const [key, kw] of Object.entries(schema)) {
    if (ANNOTATIONS.has(key)) continue
    switch (key) {
      case 'type': {
        const types = Array.isArray(kw) ? kw.map(String) : [String(kw)]
        const ok =
          types.includes(type) || (type === 'number' && types.includes('integer') && Number.isInteger(value as number))
        if (!ok) errors.push(`${path}: expected ${types.join(' or ')}, got ${type}`)
        break
      }
      case 'enum':
        if (!Array.isArray(kw) || !kw.some((e) => jsonEqual(e, value))) errors.push(`${path}: must be one of the listed values`)
        break
      case 'const':
        if (!jsonEqual(kw, value)) errors.push(`${path}: must equal the schema's constant`)
        break
      case 'required':
        if (isObject(value) && Array.isArray(kw)) {
          for (const name of kw) if (!Object.hasOwn(value, String(name))) errors.push(`${path}.${String(name)}: is required`)
        }
        break
      case 'properties':
        if (isObject(value) && isObject(kw)) {
          for (const [name, sub] of Object.entries(kw)) {
            if (Object.hasOwn(value, name)) errors.push(...schemaErrors(sub, value[name], `${path}.${name}`))
          }
        }
        break
      case 'additionalProperties':
        if (isObject(value)) {
          const declared = isObject(schema.properties) ? schema.properties : {}
          for (const [name, v] of Object.entries(value)) {
            if (Object.hasOwn(declared, name)) continue
            if (kw === false) errors.push(`${path}.${name}: is not an allowed property`)
            else errors.push(...schemaErrors(kw, v, `${path}.${name}`))
          }
        }
        break
      case 'minProperties':
      case 'maxProperties':
        if (isObject(value)) {
          const n = Object.keys(value).length
          if ((key === 'minProperties' && n < Number(kw)) || (key === 'maxProperties' && n > Number(kw))) {
            errors.push(`${path}: ${key} ${String(kw)} not met`)
          }
        }
        break
      case 'items':
        if (Array.isArray(value)) {
          if (Array.isArray(kw)) errors.push(`${path}: tuple-form items is not supported`)
          else value.forEach((v, i) => errors.push(...schemaErrors(kw, v, `${path}[${i}]`)))
        }
        break
      case 'minItems':
      case 'maxItems':
        if (Array.isArray(value)) {
          const n = value.length
          if ((key === 'minItems' && n < Number(kw)) || (key === 'maxItems' && n > Number(kw))) {
            errors.push(`${path}: ${key} ${String(kw)} not met`)
          }
        }
        break
      case 'uniqueItems':
        if (Array.isArray(value) && kw === true && value.some((v, i) => value.findIndex((w) => jsonEqual(v, w)) !== i)) {
          errors.push(`${path}: items must be unique`)
        }
        break
      case 'minimum':
      case 'maximum':
      case 'exclusiveMinimum':
      case 'exclusiveMaximum':
      case 'multipleOf': {
        const v = num(value)
        if (v === null) break
        const limit = num(kw)
        if (limit === null) {
          errors.push(`${path}: ${key} must be a number in the schema`)
          break
        }
        const c = compare(v, limit)
        const broken =
          (key === 'minimum' && c < 0) ||
          (key === 'maximum' && c > 0) ||
          (key === 'exclusiveMinimum' && c <= 0) ||
          (key === 'exclusiveMaximum' && c >= 0) ||
          (key === 'multipleOf' && limit.units > 0n && !isMultipleOf(v, limit))
        if (broken) errors.push(`${path}: ${key} ${String(kw)} not met`)
        break
      }
      case 'minLength':
      case 'maxLength':
        if (typeof value === 'string') {
          const n = [...value].length
          if ((key === 'minLength' && n < Number(kw)) || (key === 'maxLength' && n > Number(kw))) {
            errors.push(`${path}: ${key} ${String(kw)} not met`)
          }
        }
        break
      case 'pattern':
        if (typeof value === 'string') {
          let re: RegExp | null = null
          try {
            re = new RegExp(String(kw), 'u')
          } catch {
            errors.push(`${path}: pattern ${String(kw)} is not a regex the console understands`)
          }
          if (re && !re.test(value)) errors.push(`${path}: does not match ${String(kw)}`)
        }
        break
      case 'allOf':
        if (Array.isArray(kw)) for (const sub of kw) errors.push(...schemaErrors(sub, value, path))
        break
      default:
        errors.push(`${path}: schema keyword "${key}" is not supported, so the payload cannot be checked`)
    }
  }
  return errors
}
