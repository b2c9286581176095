// A value derived from replica rows and kept between queries: until a pull or a new intent changes
// one of the tables it reads, or until it is older than its time to live (for what changes with
// the clock alone: delegations and snoozes that start or run out). The reviewer's standing and the
// inbox's exclusions are each one of these; the Others lane (lanes.ts) is kept row by row instead.
export class DerivedCache<T> {
  private cached: { value: T; version: number; at: number } | null = null
  private version = 0

  constructor(
    private readonly sources: ReadonlySet<string>,
    private readonly ttlMs: number,
    /**
     * A value read again that is `alike` the kept one is handed back as the kept one (the same
     * object): what was derived from it by identity stays good (the inbox's totals and badge
     * counts key on the exclusions and Others lists), so an intent moving from held to sent, or a
     * decision undone, costs one read of the list and no recount.
     */
    private readonly alike?: (kept: T, fresh: T) => boolean,
  ) {}

  /** Rows of these tables changed (no list: any table may have). */
  invalidate(tables?: string[]): void {
    if (!tables || tables.some((t) => this.sources.has(t))) this.version += 1
  }

  /** The kept value while it is fresh at `now`, else `load`'s, kept from now on. */
  protected async read(now: Date, load: () => Promise<T>): Promise<T> {
    const c = this.cached
    if (c && c.version === this.version && Math.abs(now.getTime() - c.at) < this.ttlMs) return c.value
    // Kept under the version it was read at: a change that lands while it loads makes it stale at once.
    const version = this.version
    const fresh = await load()
    const kept = this.cached
    const value = kept && this.alike?.(kept.value, fresh) ? kept.value : fresh
    this.cached = { value, version, at: now.getTime() }
    return value
  }
}

/** The same ids, in any order (the lists the inbox's caches derive). */
export function sameIds(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false
  const inA = new Set(a)
  return b.every((id) => inA.has(id))
}
