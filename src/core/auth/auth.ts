// Supabase Auth inside the core. supabase-js keeps the session through a storage adapter backed by
// the pluggable encrypted SessionStore; it never refreshes on its own (autoRefreshToken off): the
// core refreshes explicitly — before a pull or push when the token is near expiry, after a 401, and
// on reconnect — which is easier to reason about offline than a background timer. A second client,
// fed the current access token, makes the RPC calls.
import { createClient, isAuthApiError, isAuthRetryableFetchError, type Session, type SupabaseClient } from '@supabase/supabase-js'
import ws from 'ws'
import type { BackendConfig } from '../backend'
import type { SessionStore } from './session-store'

const STORAGE_KEY = 'operator-console-auth'
/** Refresh when less than this is left on the access token. */
const REFRESH_MARGIN_MS = 60_000

/** Auth needs only where the backend is and its public key. */
export type Backend = Pick<BackendConfig, 'url' | 'anonKey'>

export interface SignedInUser {
  id: string
  email: string
  fullName: string | null
}

export type TokenOutcome =
  | { ok: true; token: string; user: SignedInUser }
  | { ok: false; reason: 'signed_out' | 'refused' | 'unreachable'; message: string }

/** auth-js storage over the SessionStore: one encrypted blob holding every key auth-js writes. */
class StoreAdapter {
  private items: Record<string, string> = {}
  private writes: Promise<void> = Promise.resolve()
  constructor(private readonly store: SessionStore) {}

  async load(): Promise<void> {
    const raw = await this.store.load()
    try {
      const parsed: unknown = raw ? JSON.parse(raw) : {}
      this.items = parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, string>) : {}
    } catch {
      this.items = {}
    }
  }
  getItem = (key: string): string | null => (Object.hasOwn(this.items, key) ? (this.items[key] ?? null) : null)
  setItem = (key: string, value: string): Promise<void> => {
    this.items = { ...this.items, [key]: value }
    return this.persist()
  }
  removeItem = (key: string): Promise<void> => {
    const { [key]: _gone, ...rest } = this.items
    this.items = rest
    return this.persist()
  }
  clear(): Promise<void> {
    this.items = {}
    return this.persist()
  }
  // Writes are chained so a slow save never lands after a newer one.
  private persist(): Promise<void> {
    const snapshot = this.items
    this.writes = this.writes
      .catch(() => {})
      .then(() => (Object.keys(snapshot).length === 0 ? this.store.clear() : this.store.save(JSON.stringify(snapshot))))
    return this.writes
  }
}

export class Auth {
  private readonly adapter: StoreAdapter
  private authClient: SupabaseClient
  readonly data: SupabaseClient
  private accessToken: string | null = null

  private constructor(
    private readonly backend: Backend,
    store: SessionStore,
    private readonly fetchImpl: typeof fetch,
    private readonly now: () => number,
    webSocket: typeof ws,
  ) {
    this.adapter = new StoreAdapter(store)
    this.authClient = this.makeAuthClient()
    this.data = createClient(backend.url, backend.anonKey, {
      accessToken: async () => this.accessToken,
      global: { fetch: this.fetchImpl },
      realtime: { transport: webSocket as unknown as never },
    })
  }

  static async create(backend: Backend, store: SessionStore, fetchImpl: typeof fetch, now: () => number, webSocket: typeof ws = ws) {
    const auth = new Auth(backend, store, fetchImpl, now, webSocket)
    await auth.adapter.load()
    return auth
  }

  private makeAuthClient(): SupabaseClient {
    return createClient(this.backend.url, this.backend.anonKey, {
      auth: {
        storage: this.adapter,
        storageKey: STORAGE_KEY,
        autoRefreshToken: false,
        persistSession: true,
        detectSessionInUrl: false,
      },
      global: { fetch: this.fetchImpl },
      realtime: { transport: ws as unknown as never },
    })
  }

  /**
   * POSTs to an RPC with the session's token and hands the response back unread: the pull reads
   * its answer as text and gives it to the replica without parsing it here (sync/page.ts).
   */
  rpcRequest(fn: string, args: Record<string, unknown>, signal: AbortSignal): Promise<Response> {
    return this.fetchImpl(`${this.backend.url}/rest/v1/rpc/${fn}`, {
      method: 'POST',
      headers: {
        apikey: this.backend.anonKey,
        Authorization: `Bearer ${this.accessToken ?? this.backend.anonKey}`,
        'Content-Type': 'application/json',
        Accept: 'application/json',
      },
      body: JSON.stringify(args),
      signal,
    })
  }

  /** The stored session, read without any network: what an offline start works from. */
  storedSession(): Session | null {
    const raw = this.adapter.getItem(STORAGE_KEY)
    if (!raw) return null
    try {
      const s = JSON.parse(raw) as Partial<Session>
      if (typeof s.access_token !== 'string' || typeof s.refresh_token !== 'string' || !s.user?.id) return null
      return s as Session
    } catch {
      return null
    }
  }

  storedUser(): SignedInUser | null {
    const s = this.storedSession()
    return s ? userOf(s) : null
  }

  async signIn(
    email: string,
    password: string,
  ): Promise<{ ok: true; user: SignedInUser } | { ok: false; reason: 'invalid' | 'unreachable' | 'rate_limited'; message: string }> {
    const { data, error } = await this.authClient.auth.signInWithPassword({ email, password })
    if (error || !data.session) {
      if (error && isAuthRetryableFetchError(error)) return { ok: false, reason: 'unreachable', message: error.message }
      // GoTrue's sign-in rate limit: not a wrong password, and the reviewer should hear so.
      if (error && isAuthApiError(error) && error.status === 429) return { ok: false, reason: 'rate_limited', message: error.message }
      if (error && isAuthApiError(error) && (error.status ?? 0) >= 500) return { ok: false, reason: 'unreachable', message: error.message }
      return { ok: false, reason: 'invalid', message: error?.message ?? 'no session' }
    }
    this.accessToken = data.session.access_token
    return { ok: true, user: userOf(data.session) }
  }

  /**
   * A token good for the next request. `force` refreshes even when the clock says the token is
   * still valid (the server answered 401). A refusal means the refresh token is dead: sign in again.
   */
  async token(force = false): Promise<TokenOutcome> {
    const session = this.storedSession()
    if (!session) return { ok: false, reason: 'signed_out', message: 'not signed in' }
    const expiresAt = (session.expires_at ?? 0) * 1000
    if (!force && expiresAt - this.now() > REFRESH_MARGIN_MS) {
      this.accessToken = session.access_token
      return { ok: true, token: session.access_token, user: userOf(session) }
    }
    const { data, error } = await this.authClient.auth.refreshSession({ refresh_token: session.refresh_token })
    if (data.session) {
      this.accessToken = data.session.access_token
      return { ok: true, token: data.session.access_token, user: userOf(data.session) }
    }
    const transient = !error || isAuthRetryableFetchError(error) || (isAuthApiError(error) && (error.status ?? 0) >= 500)
    if (transient) {
      // auth-js caches a failed refresh for a minute; a fresh client lets the next try (on
      // reconnect) reach the server at once.
      this.authClient = this.makeAuthClient()
      return { ok: false, reason: 'unreachable', message: error?.message ?? 'refresh failed' }
    }
    await this.adapter.clear()
    this.accessToken = null
    return { ok: false, reason: 'refused', message: error.message }
  }

  /** Ends the session on this machine; tells the server when it can be reached. */
  async signOut(): Promise<void> {
    const session = this.storedSession()
    if (session) {
      try {
        await this.authClient.auth.signOut({ scope: 'local' })
      } catch {
        // Offline: the local session is dropped regardless.
      }
    }
    await this.adapter.clear()
    this.accessToken = null
    this.authClient = this.makeAuthClient()
  }
}

function userOf(s: Session): SignedInUser {
  const meta = (s.user.user_metadata ?? {}) as Record<string, unknown>
  return {
    id: s.user.id,
    email: s.user.email ?? '',
    fullName: typeof meta.full_name === 'string' ? meta.full_name : null,
  }
}
