// Calls the two sync RPCs through supabase-js and sorts every failure into what the engine does
// about it: retry later (network, 5xx), refresh the token and retry (401), or stop and show it
// (an answer that is not JSON, or a 4xx the client cannot fix by waiting).
import type { SupabaseClient } from '@supabase/supabase-js'
import type { Auth } from '../auth/auth'
import { BadAnswer } from './validate'

export type RpcFailureKind = 'network' | 'unauthorized' | 'server' | 'refused' | 'malformed'

export type RpcFailure = { ok: false; kind: RpcFailureKind; status: number; code: string; message: string }
export type RpcOutcome<T = unknown> = { ok: true; data: T } | RpcFailure

const TIMEOUT_MS = 30_000

export async function callRpc(client: SupabaseClient, fn: string, args: Record<string, unknown>, timeoutMs = TIMEOUT_MS): Promise<RpcOutcome> {
  let res
  try {
    res = await client.rpc(fn, args).abortSignal(AbortSignal.timeout(timeoutMs))
  } catch (err) {
    return { ok: false, kind: 'network', status: 0, code: 'backend_unreachable', message: String((err as Error)?.message ?? err) }
  }
  const { data, error, status } = res
  if (!error) return { ok: true, data }
  return classify(status, error.code, error.message)
}

/** Sorts a failed answer by what the engine does about it. */
function classify(status: number, errorCode: unknown, errorMessage: unknown): RpcFailure {
  const code = typeof errorCode === 'string' && errorCode ? errorCode : `http_${status}`
  const message = typeof errorMessage === 'string' ? errorMessage.slice(0, 500) : 'request failed'
  if (status === 0) return { ok: false, kind: 'network', status, code: 'backend_unreachable', message }
  if (status >= 200 && status < 300) return { ok: false, kind: 'malformed', status, code: 'malformed_answer', message: 'the server answered with something that is not JSON' }
  if (status === 401) return { ok: false, kind: 'unauthorized', status, code, message }
  if (status >= 500 || status === 408 || status === 429) return { ok: false, kind: 'server', status, code, message }
  return { ok: false, kind: 'refused', status, code, message }
}

/**
 * The same call, answered (a 2xx) with the body's bytes as a Latin-1 string, one character per
 * byte: neither decoded nor parsed here (see sync/page.ts).
 */
export async function callRpcBytes(auth: Auth, fn: string, args: Record<string, unknown>, timeoutMs = TIMEOUT_MS): Promise<RpcOutcome<string>> {
  try {
    const res = await auth.rpcRequest(fn, args, AbortSignal.timeout(timeoutMs))
    const bytes = Buffer.from(await res.arrayBuffer())
    if (res.ok) return { ok: true, data: bytes.toString('latin1') }
    let body: { code?: unknown; message?: unknown } = {}
    try {
      body = JSON.parse(bytes.toString('utf8')) as typeof body
    } catch {
      // A failure without a JSON body (a proxy's page): its status says enough.
    }
    return classify(res.status, body?.code, body?.message)
  } catch (err) {
    return { ok: false, kind: 'network', status: 0, code: 'backend_unreachable', message: String((err as Error)?.message ?? err) }
  }
}

/** A failure worth retrying later; `offline` when the server could not be reached at all. */
export class Transient extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly offline: boolean,
    /** The HTTP status, when the server answered (0: it could not be reached). */
    readonly status = 0,
  ) {
    super(message)
  }
}

/** The session was refused (or belongs to someone else): nothing more until the reviewer signs in. */
export class SignInRequired extends Error {}

/** One RPC with the session's token; a 401 refreshes the token once and tries again. */
export function authorizedRpc(auth: Auth, fn: string, args: Record<string, unknown>): Promise<unknown> {
  return withRefresh(auth, fn, () => callRpc(auth.data, fn, args))
}

/** authorizedRpc answered with the body's bytes, one character per byte (sync_pull: see sync/page.ts). */
export function authorizedRpcBytes(auth: Auth, fn: string, args: Record<string, unknown>): Promise<string> {
  return withRefresh(auth, fn, () => callRpcBytes(auth, fn, args))
}

async function withRefresh<T>(auth: Auth, fn: string, call: () => Promise<RpcOutcome<T>>): Promise<T> {
  let outcome = await call()
  if (!outcome.ok && outcome.kind === 'unauthorized') {
    const token = await auth.token(true)
    if (!token.ok) {
      if (token.reason === 'unreachable') throw new Transient('backend_unreachable', token.message, true)
      throw new SignInRequired(token.message)
    }
    // The refresh itself was accepted, so the session is good: a second 401 is the server's
    // problem, shown and retried like any other failure.
    outcome = await call()
  }
  if (outcome.ok) return outcome.data
  if (outcome.kind === 'malformed') throw new BadAnswer(`${fn}: ${outcome.message}`)
  throw new Transient(outcome.code, `${fn}: ${outcome.message}`, outcome.kind === 'network', outcome.status)
}
