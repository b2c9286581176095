// A sync_pull answer read as the bytes the server sent, without building its rows in JavaScript:
// one light pass (native string searches from one quote to the next) finds the answer's members;
// only the small members (tenants, cursors, has_more, withheld, remaining_estimate) are decoded,
// parsed and checked here. Under `changes` and `priority`, each table's rows are walked one by one:
// every row is checked for what the replica relies on (its key, a whole-number version, a visible
// tenant) and the rows are cut, between whole rows, into slices of the very bytes the server sent.
// PGlite parses each slice once and writes it in one short statement (replica/apply.ts), so a
// reviewer's query waits for one slice at most, never for a page. A truncated or malformed
// answer, or a row that fails a check, fails here, before anything of the page is written; bytes
// that are not UTF-8 are refused by PostgreSQL with the slice that carries them.
//
// The answer arrives as a Latin-1 string, one character per byte (rpc.ts: a copy, where decoding
// UTF-8 was one block of 7–30 ms for a 4 MB page, and gave a string of two bytes a character as
// soon as one row held a character beyond Latin-1). The JSON's structure is ASCII and no byte of a
// multi-byte UTF-8 character is, so the pass finds exactly what it would in the decoded text, and
// a slice turned back into bytes (Latin-1 again) is the server's bytes. Keeping the fetched bytes
// instead, and handing PGlite spans of them, was measured and is slower: each 4 MB buffer, kept
// until its page is written, outlived the young generation, and a first sync's garbage collection
// went from 1.1 s to 3.0 s (console CPU 29.5 s to 38–39 s).
import { GLOBAL_SCOPE, PullResponse, type Cursors } from '../../shared/sync-protocol'
import { BadAnswer } from './validate'

/** One table's rows from one section of the answer, as slices of JSON array text. */
export interface RowsText {
  table: string
  /** Each a JSON array of whole rows, as the server wrote them; together, every row of the section. */
  slices: string[]
  rows: number
  /** From the priority section: rows the changes bring again later (not counted as progress). */
  priority: boolean
  /**
   * Rows of the changes whose key came in this sync's priority section (ReadOptions.priorityKeys),
   * as slices apart from the others: the replica holds those keys already, so they are upserted
   * while the rest of the table can be inserted as new (replica/apply.ts).
   */
  again: string[]
}

/**
 * Per table, the keys of the rows a sync's priority section brought (a key's JSON text, the
 * columns of a composite key joined by a NUL, which JSON text never holds).
 */
export type PriorityKeys = Map<string, Set<string>>

/** What every row of a table must carry for the replica to take it. */
export interface RowRule {
  primaryKey: string[]
  tenantScoped: boolean
}

/**
 * The rule of each table this build replicates; undefined for a table it does not know yet (its
 * rows are skipped, see replica/apply.ts).
 */
export type RowRules = (table: string) => RowRule | undefined

/**
 * The most text of one slice: about 20 rows of the widest table (approvals), ~2 ms of PGlite's time.
 * It is the statement a first sync writes while the reviewer is at work, so the reviewer's next
 * call hardly waits; when nobody is, apply.ts joins several slices into one statement
 * (reviewer-first.ts). Measured in CPU time for a first sync of 234k rows: 32 KB statements cost
 * ~10% more than 256 KB ones, and 1 MB ones ~12% less.
 */
export const SLICE_CHARS = 32 * 1024

export interface PulledPage {
  tenants: string[]
  cursors: Cursors
  hasMore: boolean
  /** Per tenant, the tables its reviewer may no longer read there: purged, their cursors dropped. */
  withheld: Record<string, string[]>
  /** Rows still to come (the first answer of a fresh replica only). */
  remainingEstimate: number | null
  /** The priority section first (a fresh replica's urgent rows), then the changes, in server order. */
  rows: RowsText[]
}

const Small = PullResponse.pick({ tenants: true, cursors: true, has_more: true, withheld: true, remaining_estimate: true })
const TOP_LEVEL = new Set(['tenants', 'changes', 'priority', 'cursors', 'has_more', 'withheld', 'remaining_estimate'])
const ROW_SECTIONS = ['priority', 'changes'] as const

const truncated = () => new BadAnswer('sync_pull answer ends early (truncated)')

/** The text of bytes held one character per byte (the small members, decoded when read). */
function utf8(latin1: string): string {
  return Buffer.from(latin1, 'latin1').toString('utf8')
}

function skipSpace(text: string, i: number): number {
  while (i < text.length) {
    const c = text.charCodeAt(i)
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break
    i++
  }
  return i
}

/** The index just after the string that opens at `i`: the next quote not escaped by a backslash. */
function skipString(text: string, i: number): number {
  let end = i
  for (;;) {
    // indexOf runs in native code: a string costs one search, however long it is.
    end = text.indexOf('"', end + 1)
    if (end < 0) throw truncated()
    let slashes = 0
    while (text.charCodeAt(end - 1 - slashes) === 0x5c) slashes++
    if (slashes % 2 === 0) return end + 1
  }
}

const OPEN_OBJECT = 0x7b
const CLOSE_OBJECT = 0x7d
const OPEN_ARRAY = 0x5b
const CLOSE_ARRAY = 0x5d

/**
 * The index just after the value that starts at `i`. Brackets are counted only between strings
 * (numbers, commas and brackets are a small part of an answer); each string is skipped whole.
 */
function skipValue(text: string, i: number): number {
  const c = text.charCodeAt(i)
  if (Number.isNaN(c)) throw truncated()
  if (c === 0x22) return skipString(text, i)
  if (c !== OPEN_OBJECT && c !== OPEN_ARRAY) {
    let j = i
    for (; j < text.length; j++) {
      const d = text.charCodeAt(j)
      if (d === 0x2c || d === CLOSE_OBJECT || d === CLOSE_ARRAY || d === 0x20 || d === 0x0a || d === 0x0d || d === 0x09) break
    }
    return j
  }
  let depth = 0
  let pos = i
  for (;;) {
    const quote = text.indexOf('"', pos)
    const stop = quote < 0 ? text.length : quote
    for (let j = pos; j < stop; j++) {
      const d = text.charCodeAt(j)
      if (d === OPEN_OBJECT || d === OPEN_ARRAY) depth++
      else if (d === CLOSE_OBJECT || d === CLOSE_ARRAY) {
        if (--depth === 0) return j + 1
      }
    }
    if (quote < 0) throw truncated()
    pos = skipString(text, quote)
  }
}

interface Members {
  /** key → [start, end) of its value */
  spans: Map<string, [number, number]>
  /** Just after the object's closing brace. */
  end: number
}

/** The members of the object that starts at `start` and must end by `end`. */
function members(text: string, start: number, end: number, what: string): Members {
  const spans = new Map<string, [number, number]>()
  let i = skipSpace(text, start)
  if (text[i] !== '{') throw new BadAnswer(`sync_pull answer: ${what} is not an object`)
  i = skipSpace(text, i + 1)
  if (text[i] === '}') return { spans, end: i + 1 }
  for (;;) {
    if (i >= end) throw truncated()
    if (text[i] !== '"') throw new BadAnswer(`sync_pull answer: ${what} has a malformed key`)
    const keyEnd = skipString(text, i)
    const key = JSON.parse(utf8(text.slice(i, keyEnd))) as string
    i = skipSpace(text, keyEnd)
    if (text[i] !== ':') throw new BadAnswer(`sync_pull answer: ${what} is malformed near ${JSON.stringify(key)}`)
    const valueStart = skipSpace(text, i + 1)
    const valueEnd = skipValue(text, valueStart)
    if (valueEnd > end) throw truncated()
    spans.set(key, [valueStart, valueEnd])
    i = skipSpace(text, valueEnd)
    if (text[i] === ',') {
      i = skipSpace(text, i + 1)
      continue
    }
    if (text[i] === '}') return { spans, end: i + 1 }
    throw i >= end ? truncated() : new BadAnswer(`sync_pull answer: ${what} is malformed after ${JSON.stringify(key)}`)
  }
}

function parseSmall(text: string, span: [number, number] | undefined): unknown {
  if (!span) return undefined
  try {
    return JSON.parse(utf8(text.slice(span[0], span[1])))
  } catch {
    throw new BadAnswer('sync_pull answer has a malformed member')
  }
}

/**
 * How much of a page is checked between two of the reviewer's turns. A 5,000-row page is ~4 MB,
 * read in ~21 ms (p95 42 ms on the bench) on the core's one thread: checked in one go, a call that
 * came meanwhile waited for all of it. 256 KB is ~1.5 ms of reading.
 */
export const READ_TURN_CHARS = 256 * 1024

export interface ReadOptions {
  /** The most text of one slice. */
  sliceChars?: number
  /** Awaited after each READ_TURN_CHARS of rows checked: the reviewer's calls go between. */
  pause?: () => Promise<unknown>
  /** Filled from the priority section; a row of the changes with one of its keys goes to `again`. */
  priorityKeys?: PriorityKeys
}

/** Reads a sync_pull answer's text into a page; throws BadAnswer before anything is written. */
export async function readPage(text: string, rules: RowRules, opts: ReadOptions = {}): Promise<PulledPage> {
  const sliceChars = opts.sliceChars ?? SLICE_CHARS
  const answer = members(text, 0, text.length, 'the answer')
  if (skipSpace(text, answer.end) !== text.length) throw new BadAnswer('sync_pull answer has text after its end')
  const top = answer.spans
  for (const key of top.keys()) if (!TOP_LEVEL.has(key)) throw new BadAnswer(`sync_pull answer has an unknown member ${key}`)
  const parsed = Small.safeParse({
    tenants: parseSmall(text, top.get('tenants')),
    cursors: parseSmall(text, top.get('cursors')),
    has_more: parseSmall(text, top.get('has_more')),
    withheld: parseSmall(text, top.get('withheld')),
    remaining_estimate: parseSmall(text, top.get('remaining_estimate')),
  })
  if (!parsed.success) throw new BadAnswer(`sync_pull answer has the wrong shape: ${parsed.error.issues[0]?.message ?? ''}`)
  const small = parsed.data
  const visible = new Set(small.tenants)
  for (const scope of Object.keys(small.cursors)) {
    if (scope !== GLOBAL_SCOPE && !visible.has(scope)) throw new BadAnswer(`sync_pull answer moves a cursor of invisible tenant ${scope}`)
  }
  if (!top.has('changes')) throw new BadAnswer('sync_pull answer has no changes')
  const rowTenants = new Set(small.tenants.map((t) => t.toLowerCase()))
  const rows: RowsText[] = []
  for (const section of ROW_SECTIONS) {
    const span = top.get(section)
    if (!span) continue
    for (const [table, [s, e]] of members(text, span[0], span[1], section).spans) {
      if (text[s] !== '[') throw new BadAnswer(`sync_pull answer: the ${table} rows are not a list`)
      const rule = rules(table)
      // A table this build does not know yet: nothing of it is written (replica/apply.ts).
      if (!rule) continue
      const priority = section === 'priority'
      const keys = opts.priorityKeys
      if (keys && priority && !keys.has(table)) keys.set(table, new Set())
      const known = keys?.get(table)
      rows.push({ table, ...(await sliceRows(text, s, e, table, rule, rowTenants, sliceChars, opts.pause, known, priority)), priority })
    }
  }
  return {
    tenants: small.tenants,
    cursors: small.cursors,
    hasMore: small.has_more,
    withheld: small.withheld ?? {},
    remainingEstimate: small.remaining_estimate ?? null,
    rows,
  }
}

/**
 * Walks the rows of the array in text[start, end), checks each, and cuts them into slices of at
 * most `sliceChars` (a longer row is a slice of its own). The priority section adds its rows' keys
 * to `known`; in the changes, a row whose key is in `known` is a slice of its own in `again`.
 */
async function sliceRows(
  text: string,
  start: number,
  end: number,
  table: string,
  rule: RowRule,
  visible: Set<string>,
  sliceChars: number,
  pause: (() => Promise<unknown>) | undefined,
  known: Set<string> | undefined,
  priority: boolean,
): Promise<{ slices: string[]; rows: number; again: string[] }> {
  const wanted = [...rule.primaryKey, 'sync_version', ...(rule.tenantScoped ? ['tenant_id'] : [])]
  const found = new Map<string, string>()
  const slices: string[] = []
  const again: string[] = []
  // A slice is the server's own text from its first row to its last (the commas between included).
  let first = -1
  let last = -1
  let count = 0
  let i = skipSpace(text, start + 1)
  let turnAt = i + READ_TURN_CHARS
  if (text[i] === ']') return { slices, rows: 0, again }
  for (;;) {
    if (i >= end) throw truncated()
    if (pause && i >= turnAt) {
      await pause()
      turnAt = i + READ_TURN_CHARS
    }
    const rowEnd = checkRow(text, i, end, table, wanted, rule, visible, found)
    let heldAlready = false
    if (known && (priority || known.size > 0)) {
      const key = rule.primaryKey.map((k) => found.get(k)).join('\u0000')
      if (priority) known.add(key)
      else heldAlready = known.has(key)
    }
    if (heldAlready) {
      // Held already: a slice apart, and the rows around it go on in slices of their own.
      again.push(`[${text.slice(i, rowEnd)}]`)
      if (first >= 0) slices.push(`[${text.slice(first, last)}]`)
      first = -1
    } else if (first < 0) first = i
    else if (rowEnd - first > sliceChars) {
      slices.push(`[${text.slice(first, last)}]`)
      first = i
    }
    last = rowEnd
    count++
    i = skipSpace(text, rowEnd)
    if (text[i] === ',') {
      i = skipSpace(text, i + 1)
      continue
    }
    if (text[i] === ']') break
    throw i >= end ? truncated() : new BadAnswer(`sync_pull answer: the ${table} rows are malformed`)
  }
  if (first >= 0) slices.push(`[${text.slice(first, last)}]`)
  return { slices, rows: count, again }
}

const WHOLE_NUMBER = /^[0-9]{1,18}$/

/**
 * Checks the row object that opens at `i` and returns the index just after it: its key present and
 * not null, its version a whole number, its tenant one the answer says is visible. Only the members
 * named are read (into `found`, the text of each value); the others are skipped as text.
 */
function checkRow(
  text: string,
  i: number,
  end: number,
  table: string,
  wanted: string[],
  rule: RowRule,
  visible: Set<string>,
  found: Map<string, string>,
): number {
  if (text.charCodeAt(i) !== OPEN_OBJECT) throw new BadAnswer(`sync_pull answer: a ${table} row is not an object`)
  found.clear()
  let j = skipSpace(text, i + 1)
  if (text[j] !== '}') {
    for (;;) {
      if (j >= end) throw truncated()
      if (text[j] !== '"') throw new BadAnswer(`sync_pull answer: a ${table} row has a malformed key`)
      const keyStart = j + 1
      const keyEnd = skipString(text, j)
      j = skipSpace(text, keyEnd)
      if (text[j] !== ':') throw new BadAnswer(`sync_pull answer: a ${table} row is malformed`)
      const valueStart = skipSpace(text, j + 1)
      const valueEnd = skipValue(text, valueStart)
      if (valueEnd > end) throw truncated()
      // Column names are plain identifiers: their text between the quotes is the name.
      const key = wanted.find((w) => w.length === keyEnd - 1 - keyStart && text.startsWith(w, keyStart))
      if (key) found.set(key, text.slice(valueStart, valueEnd))
      j = skipSpace(text, valueEnd)
      if (text[j] === ',') {
        j = skipSpace(text, j + 1)
        continue
      }
      if (text[j] === '}') break
      throw j >= end ? truncated() : new BadAnswer(`sync_pull answer: a ${table} row is malformed`)
    }
  }
  for (const k of rule.primaryKey) {
    const v = found.get(k)
    if (v === undefined || v === 'null') throw new BadAnswer(`sync_pull answer refused: a ${table} row lacks its key (${k})`)
  }
  if (!WHOLE_NUMBER.test(found.get('sync_version') ?? '')) {
    throw new BadAnswer(`sync_pull answer refused: a ${table} row has no whole-number version`)
  }
  if (rule.tenantScoped) {
    const tenant = found.get('tenant_id') ?? ''
    // A uuid needs no escapes: the text between the quotes is the id.
    if (!(tenant.length > 2 && tenant[0] === '"' && visible.has(tenant.slice(1, -1).toLowerCase()))) {
      throw new BadAnswer(`sync_pull answer refused: a ${table} row belongs to a tenant that is not visible`)
    }
  }
  return j + 1
}
