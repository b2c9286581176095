// PostgREST's error contract: the `{ code, message, details, hint }` body and the table that maps
// a PostgreSQL SQLSTATE to an HTTP status (docs.postgrest.org, "Errors").
export interface PostgrestErrorBody {
  code: string
  message: string
  details: string | null
  hint: string | null
}

export interface PostgrestFailure {
  status: number
  body: PostgrestErrorBody
  headers?: Record<string, string>
}

export function failure(
  status: number,
  code: string,
  message: string,
  details: string | null = null,
  hint: string | null = null,
): PostgrestFailure {
  return { status, body: { code, message, details, hint } }
}

/** PostgREST's status for a SQLSTATE; 42501 depends on whether the request carried a user's JWT. */
export function statusForSqlState(code: string, role: string): number {
  const custom = /^PT(\d{3})$/.exec(code)
  if (custom) return Number(custom[1])
  switch (code) {
    case '23503':
    case '23505':
      return 409
    case '25006':
      return 405
    case '42883':
    case '42P01':
      return 404
    case '42P17':
      return 500
    case '42501':
      return role === 'anon' ? 401 : 403
    case 'P0001':
      return 400
    case '53400':
      return 500
  }
  const cls = code.slice(0, 2)
  if (cls === '08' || cls === '53') return 503
  if (cls === '0L' || cls === '0P' || cls === '28') return 403
  if (
    ['09', '25', '2D', '38', '39', '3B', '40', '54', '55', '57', '58', 'F0', 'HV', 'P0', 'XX'].includes(cls)
  )
    return 500
  return 400
}

/** The fields node-postgres puts on an error the server reported. */
export interface DatabaseErrorLike {
  code?: string
  message: string
  detail?: string
  hint?: string
  severity?: string
}

export function isDatabaseError(err: unknown): err is DatabaseErrorLike {
  return err instanceof Error && typeof (err as DatabaseErrorLike).severity === 'string'
}

/**
 * A function may raise `sqlstate 'PGRST'` with a JSON message `{code, message, details, hint}` and
 * a JSON detail `{status, headers}` to choose the whole response, as PostgREST allows.
 */
function customRaise(err: DatabaseErrorLike): PostgrestFailure | undefined {
  try {
    const body = JSON.parse(err.message) as Partial<PostgrestErrorBody>
    const detail = JSON.parse(err.detail ?? '{}') as { status?: number; headers?: Record<string, string> }
    if (typeof detail.status !== 'number') return undefined
    return {
      status: detail.status,
      body: {
        code: String(body.code ?? ''),
        message: String(body.message ?? ''),
        details: body.details ?? null,
        hint: body.hint ?? null,
      },
      headers: detail.headers,
    }
  } catch {
    return undefined
  }
}

export function fromDatabaseError(err: DatabaseErrorLike, role: string): PostgrestFailure {
  const code = err.code ?? 'XX000'
  if (code === 'PGRST') {
    const custom = customRaise(err)
    if (custom) return custom
    return failure(500, 'PGRST121', "Could not parse JSON in the RAISE SQLSTATE 'PGRST' error", err.message)
  }
  return failure(statusForSqlState(code, role), code, err.message, err.detail ?? null, err.hint ?? null)
}
