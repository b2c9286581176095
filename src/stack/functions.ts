// The RPC schema cache: what PostgREST knows about `public` functions (argument names, types,
// defaults, return shape), read from pg_catalog once per function and used to build the call.
import type pg from 'pg'

export interface FunctionParam {
  /** '' for an unnamed parameter. */
  name: string
  type: string
  hasDefault: boolean
}

export interface FunctionSignature {
  name: string
  params: FunctionParam[]
  returnsSet: boolean
  returnsVoid: boolean
  /** Returns json or jsonb: its text is already the answer, sent as the function printed it. */
  returnsJson: boolean
}

interface ProcRow {
  arg_names: string[]
  arg_modes: string[]
  arg_types: string[]
  n_defaults: number
  returns_set: boolean
  return_type: string
}

const OVERLOADS_SQL = `
  select coalesce(p.proargnames, '{}') as arg_names,
         coalesce(p.proargmodes::text[], '{}') as arg_modes,
         array(select format_type(u.t, null)
                 from unnest(coalesce(p.proallargtypes, p.proargtypes::oid[])) with ordinality as u(t, i)
                order by u.i) as arg_types,
         p.pronargdefaults::int as n_defaults,
         p.proretset as returns_set,
         format_type(p.prorettype, null) as return_type
    from pg_catalog.pg_proc p
    join pg_catalog.pg_namespace n on n.oid = p.pronamespace
   where n.nspname = 'public' and p.proname = $1 and p.prokind = 'f'`

/** Input parameters are IN, INOUT and VARIADIC; OUT and TABLE columns only shape the result. */
const INPUT_MODES = new Set(['i', 'b', 'v'])

function toSignature(name: string, row: ProcRow): FunctionSignature {
  const inputs: { name: string; type: string }[] = []
  row.arg_types.forEach((type, i) => {
    const mode = row.arg_modes[i] ?? 'i'
    if (INPUT_MODES.has(mode)) inputs.push({ name: row.arg_names[i] ?? '', type })
  })
  // Defaults always belong to the trailing input parameters.
  const firstDefault = inputs.length - row.n_defaults
  return {
    name,
    params: inputs.map((p, i) => ({ ...p, hasDefault: i >= firstDefault })),
    returnsSet: row.returns_set,
    returnsVoid: row.return_type === 'void',
    returnsJson: row.return_type === 'json' || row.return_type === 'jsonb',
  }
}

export class FunctionCatalog {
  private readonly known = new Map<string, FunctionSignature[]>()

  constructor(private readonly pool: pg.Pool) {}

  /** Overloads of public.<name>. Only hits are cached, so a function created later is still found. */
  async overloads(name: string): Promise<FunctionSignature[]> {
    const cached = this.known.get(name)
    if (cached) return cached
    const { rows } = await this.pool.query<ProcRow>(OVERLOADS_SQL, [name])
    const found = rows.map((r) => toSignature(name, r))
    if (found.length > 0) this.known.set(name, found)
    return found
  }

  /** Drop what is known of a function whose call failed as if it had changed (42883, 42P13...). */
  forget(name: string): void {
    this.known.delete(name)
  }
}

export type Resolution =
  | { kind: 'named'; fn: FunctionSignature; args: string[] }
  | { kind: 'single-json'; fn: FunctionSignature; type: string }
  | { kind: 'not-found'; nearest: FunctionSignature | undefined }
  | { kind: 'ambiguous'; candidates: FunctionSignature[] }

/** PostgREST's overload choice: the function whose parameters the body's keys name exactly. */
export function resolve(overloads: FunctionSignature[], keys: string[]): Resolution {
  const matching = overloads.filter((fn) => {
    const names = new Set(fn.params.map((p) => p.name))
    return keys.every((k) => names.has(k)) && fn.params.every((p) => p.hasDefault || keys.includes(p.name))
  })
  if (matching.length === 1) return { kind: 'named', fn: matching[0]!, args: keys }
  if (matching.length > 1) return { kind: 'ambiguous', candidates: matching }
  const singleJson = overloads.find(
    (fn) => fn.params.length === 1 && fn.params[0]!.name === '' && /^jsonb?$/.test(fn.params[0]!.type),
  )
  if (singleJson) return { kind: 'single-json', fn: singleJson, type: singleJson.params[0]!.type }
  return { kind: 'not-found', nearest: overloads[0] }
}

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`
}

export type Callable = Extract<Resolution, { kind: 'named' | 'single-json' }>

/**
 * One statement that calls the function with the body's values as named arguments and renders
 * the result as JSON text. Arguments go through jsonb_to_record, as PostgREST's do, so JSON values
 * convert to the parameter types with PostgreSQL's own rules. `body` is the SQL for the request
 * body's text (a parameter or an escaped literal).
 */
export function callSql(r: Callable, body = '$1'): string {
  const target = `public.${quoteIdent(r.fn.name)}`
  let call: string
  let from = ''
  if (r.kind === 'single-json') {
    call = `${target}(${body}::${r.type})`
  } else {
    const byName = new Map(r.fn.params.map((p) => [p.name, p.type]))
    call = `${target}(${r.args.map((a) => `${quoteIdent(a)} => _args.${quoteIdent(a)}`).join(', ')})`
    if (r.args.length > 0) {
      const columns = r.args.map((a) => `${quoteIdent(a)} ${byName.get(a)!}`).join(', ')
      from = ` from jsonb_to_record(${body}::jsonb) as _args(${columns})`
    }
  }
  if (r.fn.returnsVoid) return `select ${call}${from}`
  if (r.fn.returnsSet) {
    const source = from ? `${from}, lateral ${call} as _row` : ` from ${call} as _row`
    return `select coalesce(jsonb_agg(to_jsonb(_row)), '[]'::jsonb)::text as body${source}`
  }
  // A json result goes out as printed: wrapping it in to_jsonb would parse and print it again, which
  // for a 5,000-row sync_pull page costs more than building the page.
  if (r.fn.returnsJson) return `select (${call})::text as body${from}`
  return `select to_jsonb(${call})::text as body${from}`
}

/** Whether callSql's statement reads the request body. */
export function usesBody(r: Callable): boolean {
  return r.kind === 'single-json' || r.args.length > 0
}
