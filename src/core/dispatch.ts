// The one entry point both transports (Electron IPC, the web shell's bridge) call: checks the
// method name and the arguments against the contract, runs the handler, checks its result, and
// always answers with a CallOutcome — a typed error, never a throw or a stack trace. When the core
// runs in its own thread the two halves split: checkCall at the shell's edge, runCall in the core.
import { isMethodName, methods, type CallOutcome, type CoreHandlers, type MethodName } from '../shared/contract'
import { ApiError, ERROR_MESSAGES } from '../shared/errors'

/** Largest argument payload accepted, as JSON. Every real call is far below this. */
const MAX_ARGS_BYTES = 256 * 1024
const MAX_DEPTH = 32
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype'])

export type Logger = (message: string, error?: unknown) => void

/** The core's validating entry point, already bound to its handlers (or to the core's thread). Never throws. */
export type Dispatch = (method: unknown, args: unknown) => Promise<CallOutcome<MethodName>>

export async function dispatch(
  handlers: CoreHandlers,
  method: unknown,
  args: unknown,
  log: Logger = defaultLog,
): Promise<CallOutcome<MethodName>> {
  const call = checkCall(method, args)
  if (!call.ok) return call.outcome
  return runCall(handlers, call.method, call.args, log)
}

/** A call that passed the contract: its method and its parsed (plain, cloneable) arguments. */
export type CheckedCall = { ok: true; method: MethodName; args: unknown } | { ok: false; outcome: CallOutcome<MethodName> }

/**
 * The edge's half: checks the method name and the arguments against the contract. A shell runs it
 * before a call crosses to the core's thread, so nothing unchecked ever reaches the core.
 */
export function checkCall(method: unknown, args: unknown): CheckedCall {
  if (!isMethodName(method)) return { ok: false, outcome: fail('unknown_method') }
  const shape = inspect(args)
  if (shape) return { ok: false, outcome: fail('invalid_input', shape) }
  const parsed = methods[method].args.safeParse(args ?? {})
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 5).map((i) => ({ path: i.path.map(String).join('.'), message: i.message }))
    return { ok: false, outcome: { ok: false, error: { code: 'invalid_input', message: ERROR_MESSAGES.invalid_input, details: { issues } } } }
  }
  return { ok: true, method, args: parsed.data }
}

/** The core's half: runs the handler on checked arguments, checks its result, answers with an outcome. */
export async function runCall(handlers: CoreHandlers, method: MethodName, args: unknown, log: Logger = defaultLog): Promise<CallOutcome<MethodName>> {
  try {
    const handler = handlers[method] as (a: unknown) => Promise<unknown>
    const result = await handler(args)
    const checked = methods[method].result.safeParse(result)
    if (!checked.success) {
      log(`core: ${method} produced a result outside the contract`, checked.error.issues.slice(0, 3))
      return fail('internal')
    }
    return { ok: true, value: checked.data } as CallOutcome<MethodName>
  } catch (err) {
    if (err instanceof ApiError) return { ok: false, error: err.toJSON() }
    log(`core: ${method} failed`, err)
    return fail('internal')
  }
}

function fail(code: ApiError['code'], reason?: string): CallOutcome<MethodName> {
  return {
    ok: false,
    error: { code, message: ERROR_MESSAGES[code], ...(reason ? { details: { reason } } : {}) },
  }
}

/** Rejects what no schema should even see: prototype keys anywhere, absurd size or depth. */
function inspect(args: unknown): string | null {
  if (args === undefined || args === null) return null
  if (typeof args !== 'object' || Array.isArray(args)) return 'arguments must be an object'
  let size = 0
  const stack: { value: unknown; depth: number }[] = [{ value: args, depth: 0 }]
  while (stack.length > 0) {
    const { value, depth } = stack.pop()!
    if (depth > MAX_DEPTH) return 'arguments nested too deeply'
    if (typeof value === 'string') {
      size += value.length
    } else if (value && typeof value === 'object') {
      const proto = Object.getPrototypeOf(value)
      if (proto !== Object.prototype && proto !== Array.prototype && proto !== null) return 'arguments must be plain data'
      for (const key of Object.keys(value)) {
        if (FORBIDDEN_KEYS.has(key)) return `forbidden key ${key}`
        size += key.length
        stack.push({ value: (value as Record<string, unknown>)[key], depth: depth + 1 })
      }
    } else {
      size += 8
    }
    if (size > MAX_ARGS_BYTES) return 'arguments too large'
  }
  return null
}

function defaultLog(message: string, error?: unknown): void {
  console.error(message, error instanceof Error ? error.message : (error ?? ''))
}
