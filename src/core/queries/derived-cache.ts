// A value derived from replica rows and kept between queries: until a pull or a new intent changes
// one of the tables it reads, or until it is older than its time to live (for what changes with
// the clock alone: delegations and snoozes that start or run out). The reviewer's standing, the
// inbox's exclusions and its Others lane are each one of these.
export class DerivedCache<T> {
  private cached: { value: T; version: number; at: number } | null = null
  private version = 0

  constructor(
    private readonly sources: ReadonlySet<string>,
    private readonly ttlMs: number,
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
    const value = await load()
    this.cached = { value, version, at: now.getTime() }
    return value
  }
}
