// Which payload fields are money, so they print in their currency instead of as bare numbers.
const MONEY_KEYS = /^(amount|total|subtotal|net|gross|fee|fees|tax|debit|credit|balance|price|cost|value)(_amount)?$/i

export function isMoneyKey(key: string): boolean {
  return MONEY_KEYS.test(key) || /_amount$/i.test(key)
}

/** The currency named by an object (`currency`, `currency_code`), if any. */
export function currencyOf(obj: Record<string, unknown>, fallback: string | null): string | null {
  const c = obj['currency'] ?? obj['currency_code'] ?? obj['currencyCode']
  return typeof c === 'string' && /^[A-Za-z]{3}$/.test(c) ? c.toUpperCase() : fallback
}

/**
 * Whether an object states its amounts in minor units. Payment APIs in Stripe's style spell the
 * currency in lower case and send integer cents (`amount: 2030, currency: "usd"` is $20.30).
 */
export function usesMinorUnits(obj: Record<string, unknown>): boolean {
  const c = obj['currency']
  return typeof c === 'string' && /^[a-z]{3}$/.test(c)
}

/** Digits after the point in a currency (2 for USD, 0 for JPY). */
export function minorDigits(currency: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2
  } catch {
    return 2
  }
}

/** Decimal money as integer cents, for exact totals ("12.30" → 1230). */
export function toCents(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return Math.round(v * 100)
  if (typeof v !== 'string' || !/^-?\d+(\.\d{1,2})?$/.test(v.trim())) return null
  const [whole = '0', frac = ''] = v.trim().split('.')
  const sign = whole.startsWith('-') ? -1 : 1
  return sign * (Math.abs(Number(whole)) * 100 + Number(frac.padEnd(2, '0')))
}

export function fromCents(cents: number): string {
  const sign = cents < 0 ? '-' : ''
  const abs = Math.abs(cents)
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`
}
