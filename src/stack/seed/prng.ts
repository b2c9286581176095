// A small seeded random source (sfc32, seeded through splitmix32) so that one seed always yields the
// same demo data; plus the draws the generator needs: weighted picks, log-normal amounts, uuids.

function splitmix32(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s + 0x9e3779b9) >>> 0
    let z = s
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b)
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35)
    return (z ^ (z >>> 16)) >>> 0
  }
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'))

export class Rng {
  private a: number
  private b: number
  private c: number
  private d: number

  constructor(seed: number) {
    const init = splitmix32(seed)
    this.a = init()
    this.b = init()
    this.c = init()
    this.d = init()
    // sfc32 needs a few rounds before its output stops echoing the seed.
    for (let i = 0; i < 12; i++) this.u32()
  }

  /** A uniform 32-bit unsigned integer. */
  u32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0
    this.d = (this.d + 1) >>> 0
    this.a = this.b ^ (this.b >>> 9)
    this.b = (this.c + (this.c << 3)) >>> 0
    this.c = (this.c << 21) | (this.c >>> 11)
    this.c = (this.c + t) >>> 0
    return t
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.u32() / 4294967296
  }

  /** An independent stream, so that adding draws to one part of the data does not reshuffle another. */
  fork(label: string): Rng {
    let h = this.u32()
    for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193) >>> 0
    return new Rng(h)
  }

  /** Integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1))
  }

  chance(p: number): boolean {
    return this.next() < p
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list')
    return items[Math.floor(this.next() * items.length)] as T
  }

  /** Picks by relative weight: `[['refund', 25], ['payout', 12]]`. */
  weighted<T>(entries: readonly (readonly [T, number])[]): T {
    let total = 0
    for (const [, w] of entries) total += w
    let r = this.next() * total
    for (const [value, w] of entries) {
      r -= w
      if (r < 0) return value
    }
    return entries[entries.length - 1]![0]
  }

  /** `count` distinct items (or all of them when there are fewer). */
  sample<T>(items: readonly T[], count: number): T[] {
    const copy = [...items]
    const n = Math.min(count, copy.length)
    for (let i = 0; i < n; i++) {
      const j = i + Math.floor(this.next() * (copy.length - i))
      ;[copy[i], copy[j]] = [copy[j] as T, copy[i] as T]
    }
    return copy.slice(0, n)
  }

  /** Standard normal (Box–Muller). */
  normal(): number {
    const u = 1 - this.next()
    const v = this.next()
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)
  }

  /**
   * Log-normal with the given median, clamped: money amounts are skewed (many small refunds, a few
   * large ones), which a uniform draw would not show.
   */
  logNormal(median: number, sigma: number, min: number, max: number): number {
    const x = median * Math.exp(sigma * this.normal())
    return Math.min(max, Math.max(min, x))
  }

  /** A version-4 uuid drawn from this stream (deterministic, unlike crypto.randomUUID). */
  uuid(): string {
    const a = this.u32()
    const b = this.u32()
    const c = this.u32()
    const d = this.u32()
    const h = HEX
    return (
      h[a >>> 24]! +
      h[(a >>> 16) & 255] +
      h[(a >>> 8) & 255] +
      h[a & 255] +
      '-' +
      h[b >>> 24] +
      h[(b >>> 16) & 255] +
      '-' +
      h[((b >>> 8) & 15) | 64] +
      h[b & 255] +
      '-' +
      h[((c >>> 24) & 63) | 128] +
      h[(c >>> 16) & 255] +
      '-' +
      h[(c >>> 8) & 255] +
      h[c & 255] +
      h[d >>> 24] +
      h[(d >>> 16) & 255] +
      h[(d >>> 8) & 255] +
      h[d & 255]
    )
  }

  /** Lower-case alphanumerics, as external ids (Stripe's `ch_…`, git shas) use. */
  token(length: number, alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789'): string {
    let s = ''
    for (let i = 0; i < length; i++) s += alphabet[Math.floor(this.next() * alphabet.length)]
    return s
  }
}
