// Exact decimal arithmetic for money checks: the console's pre-flight must reach the same verdict
// as PostgreSQL's numeric (1000 EUR × 1.08 is exactly 1080, not 1080.0000000000002), so amounts,
// rates and limits are compared as scaled integers, never as floating point.

export interface Decimal {
  /** The value times 10^scale. */
  readonly units: bigint
  readonly scale: number
}

const DECIMAL_TEXT = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/

/** Parses a decimal numeral (a JSON number's text or a numeric column's text); null if it is none. */
export function parseDecimal(text: string): Decimal | null {
  const m = DECIMAL_TEXT.exec(text.trim())
  if (!m) return null
  const [, sign, int = '', frac = '', exp = '0'] = m
  if (int === '' && frac === '') return null
  const e = Number(exp)
  if (!Number.isSafeInteger(e) || Math.abs(e) > 400) return null
  let units = BigInt(`${int}${frac}` || '0')
  let scale = frac.length - e
  if (scale < 0) {
    units *= 10n ** BigInt(-scale)
    scale = 0
  }
  return { units: sign === '-' ? -units : units, scale }
}

/** A finite JavaScript number as the decimal its shortest text spells (what JSON carries). */
export function decimalOf(n: number): Decimal | null {
  return Number.isFinite(n) ? parseDecimal(String(n)) : null
}

export const ZERO: Decimal = { units: 0n, scale: 0 }
export const ONE: Decimal = { units: 1n, scale: 0 }

function aligned(a: Decimal, b: Decimal): [bigint, bigint] {
  if (a.scale === b.scale) return [a.units, b.units]
  if (a.scale < b.scale) return [a.units * 10n ** BigInt(b.scale - a.scale), b.units]
  return [a.units, b.units * 10n ** BigInt(a.scale - b.scale)]
}

export function compare(a: Decimal, b: Decimal): -1 | 0 | 1 {
  const [x, y] = aligned(a, b)
  return x < y ? -1 : x > y ? 1 : 0
}

export function add(a: Decimal, b: Decimal): Decimal {
  const [x, y] = aligned(a, b)
  return { units: x + y, scale: Math.max(a.scale, b.scale) }
}

export function multiply(a: Decimal, b: Decimal): Decimal {
  return { units: a.units * b.units, scale: a.scale + b.scale }
}

/** a / 10^digits, exactly. */
export function shift(a: Decimal, digits: number): Decimal {
  return { units: a.units, scale: a.scale + digits }
}

/** Whether a is a whole multiple of b (b > 0). */
export function isMultipleOf(a: Decimal, b: Decimal): boolean {
  const [x, y] = aligned(a, b)
  return y !== 0n && x % y === 0n
}

/** Plain text with exactly `places` decimals (rounded half away from zero), for messages. */
export function formatDecimal(a: Decimal, places = 2): string {
  let units = a.units
  let scale = a.scale
  if (scale > places) {
    const div = 10n ** BigInt(scale - places)
    const half = div / 2n
    units = (units < 0n ? units - half : units + half) / div
    scale = places
  }
  units *= 10n ** BigInt(places - scale)
  const negative = units < 0n
  const digits = (negative ? -units : units).toString().padStart(places + 1, '0')
  const int = digits.slice(0, digits.length - places)
  const frac = digits.slice(digits.length - places)
  return `${negative ? '-' : ''}${int}${places > 0 ? `.${frac}` : ''}`
}

/** Money for a sentence: "50,000.00 EUR" (digits grouped, two decimals, the code after). */
export function formatMoneyText(a: Decimal, currency: string): string {
  const [whole, frac] = formatDecimal(a).split('.')
  const sign = whole!.startsWith('-') ? '-' : ''
  const grouped = whole!.replace('-', '').replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  return `${sign}${grouped}.${frac} ${currency}`
}
