// The agent SDK: how an AI agent asks the console's reviewers for approval and waits for the answer
// in its own terms. The agent signs in with its own credential (never the service-role key),
// proposes through `agent_propose`, and `decision()` resolves once a person or a policy decided.
//
//   const agent = await AgentClient.signIn({ url, anonKey, email, password })
//   const request = await agent.requestApproval({ tool: 'stripe.refund', args, idempotencyKey })
//   const d = await request.decision({ timeoutMs: 60_000 })
//   if (d.outcome === 'approved') run(d.args)          // exactly the approved args (maybe edited)
//
// Waiting polls one batched RPC for every open request of the client. While the client waits it
// also listens on its tenant's private Realtime topic (the pokes the consoles hear: "tenant T
// changed", no row data) and polls at once on each, so a decision arrives in one round trip; the
// polling goes on beside it, slowly while the topic is joined and at full pace whenever it is not
// (socket lost, join refused, Realtime off). Every (re)join is followed by a catch-up poll, so a
// decision made while the socket was down costs nothing but that poll. A restarted agent picks a
// request up again with `resume(actionId)` — or by proposing with the same idempotency key, which
// returns the same request.
import {
  createClient,
  type RealtimeChannel,
  type Session,
  type SupabaseClient,
  type SupabaseClientOptions,
} from '@supabase/supabase-js'
import WebSocket from 'ws'
import { keepAliveHttp, type KeepAliveHttp } from './keep-alive-http'

/** A tool as `"app.key"` or `{ app, key }`. */
export type ToolRef = string | { app: string; key: string }

export type ApprovalKind = 'tool_call' | 'refund' | 'payout' | 'journal_posting' | 'spend'

export interface ApprovalRequest {
  tool: ToolRef
  args: Record<string, unknown>
  /**
   * The idempotency key (stored as the action's external_id). Reuse it when retrying the same
   * call — after a crash, a timeout — and the same request comes back instead of a second one.
   * Defaults to a fresh random key, which only protects against nothing: pass your own.
   */
  idempotencyKey?: string
  taskId?: string
  /** What the reviewer reads first; defaults to the tool's name. */
  title?: string
  /** Markdown the reviewer sees: why the agent wants this. */
  summary?: string
  kind?: ApprovalKind
  /** Declare a higher risk than the policy's (0–5); it can only raise it. */
  risk?: number
}

export type RequestState = 'pending' | 'approved' | 'rejected' | 'expired' | 'cancelled'

/** The server's view of one request (agent_request_view). */
export interface RequestView {
  action_id: string
  approval_id: string
  external_id: string
  tool: { app: string; key: string }
  state: RequestState
  route: 'auto' | 'required' | 'four_eyes' | 'deny' | null
  rule: string | null
  policy_id: string | null
  risk: number
  required_approvals: number
  expires_at: string | null
  decided_at: string | null
  args: Record<string, unknown> | null
  payload_hash: string | null
  edited: boolean | null
  reason: string | null
  reason_code: RejectionCode | 'expired' | null
}

/**
 * Why a request was rejected, in terms an agent can act on: `policy_denied` — a standing rule
 * forbids this call, do not ask again with the same arguments; `reviewer_rejected` — a person
 * said no (read `reason`); asking again with the same arguments is refused by the loop guard.
 */
export type RejectionCode = 'policy_denied' | 'reviewer_rejected'

export type Decision =
  | {
      outcome: 'approved'
      /** Exactly the arguments to run with: the approved payload, edited or not. */
      args: Record<string, unknown>
      /** sha256 of the canonical approved payload: what the executor checks before running. */
      payloadHash: string
      edited: boolean
      /** 'auto' when a policy approved it without a person, with the rule that did. */
      route: RequestView['route']
      rule: string | null
      decidedAt: string | null
    }
  | { outcome: 'rejected'; reason: string | null; reasonCode: RejectionCode; rule: string | null }
  /** Nobody decided in time: deny by default. Distinct from still pending. */
  | { outcome: 'expired'; expiresAt: string | null }
  | { outcome: 'cancelled'; reason: string | null }
  /** decision({ timeoutMs }) ran out while the request is still open; resume it later. */
  | { outcome: 'pending'; expiresAt: string | null }

/** The intake's refusal codes (src/shared/errors.ts has their sentences). */
export type RefusalCode =
  | 'not_an_agent'
  | 'agent_suspended'
  | 'invalid_input'
  | 'idempotency_conflict'
  | 'unknown_tool'
  | 'tool_not_writable'
  | 'invalid_args'
  | 'autonomy_forbids'
  | 'agent_tier_forbids'
  | 'repeat_after_rejection'
  | 'rate_limited'
  | 'not_found'

/** The intake refused the proposal: nothing was filed (except the loop guard's flag). */
export class AgentRefusal extends Error {
  constructor(
    readonly code: RefusalCode,
    message: string,
  ) {
    super(message)
    this.name = 'AgentRefusal'
  }
}

interface IntakeAnswer {
  status: 'accepted' | 'replayed' | 'refused'
  code?: RefusalCode
  message?: string
  request?: RequestView
}

export interface AgentClientOptions {
  /** How often open requests are polled while Realtime is not joined, in ms (default 500). */
  pollIntervalMs?: number
  /** Wake on the tenant's Realtime pokes (default true); off, the client only polls. */
  realtime?: boolean
  /** The slow poll kept while the Realtime topic is joined, in ms (default 30,000). */
  livePollIntervalMs?: number
  /**
   * Files requests made while an intake call of this client is on its way together, in the next
   * call (default true; see requestApproval). Off, each request is a call of its own.
   */
  fileTogether?: boolean
}

/** Requests per agent_propose_many call (the server takes at most 100). */
export const REQUESTS_PER_CALL = 100

/** The slow poll while Realtime brings the news (the console's fallback is the same). */
export const LIVE_POLL_INTERVAL_MS = 30_000

/**
 * An access token this close to its expiry is not sent: the session is read again through
 * supabase-js, which refreshes it first (it counts a session as expired 90 s early).
 */
const TOKEN_MARGIN_MS = 60_000

export interface SignInOptions extends AgentClientOptions {
  url: string
  anonKey: string
  email: string
  password: string
  /** Realtime's WebSocket class on Node (`ws` by default). */
  webSocket?: typeof WebSocket
}

type RealtimeTransport = NonNullable<NonNullable<SupabaseClientOptions<'public'>['realtime']>['transport']>

interface Waiter {
  resolve: (v: RequestView) => void
  reject: (e: Error) => void
}

/** A request waiting for the next intake call, and its caller's promise. */
interface Filing {
  proposal: Proposal
  resolve: (answer: IntakeAnswer) => void
  reject: (e: unknown) => void
}

type Proposal = ReturnType<typeof proposalOf>

/**
 * A request as the intake takes it: agent_propose's arguments without their `p_` prefix, which is
 * also one entry of agent_propose_many's list. A request without a key gets a fresh one.
 */
function proposalOf(req: ApprovalRequest) {
  return {
    tool: req.tool,
    args: req.args,
    external_id: req.idempotencyKey ?? crypto.randomUUID(),
    task_id: req.taskId ?? null,
    title: req.title ?? null,
    summary: req.summary ?? null,
    kind: req.kind ?? null,
    risk: req.risk ?? null,
  }
}

export class AgentClient {
  private readonly pollIntervalMs: number
  private readonly livePollIntervalMs: number
  private readonly realtime: boolean
  /** Open waits by action id; one poll serves them all. */
  private readonly waiting = new Map<string, Set<Waiter>>()
  private timer: ReturnType<typeof setTimeout> | undefined
  /** When the scheduled poll is due (to bring it forward when the topic is lost). */
  private timerDue = 0
  private polling: Promise<void> | undefined
  /** A wake arrived during a poll that may have read before the change: poll once more after it. */
  private pollAgain = false
  /** The tenant's poke channel, once joined or joining; `live` while it is joined. */
  private channel: RealtimeChannel | undefined
  private live = false
  private closed = false
  /** The credential's tenant (app_metadata, which only the service role can set): whose topic to join. */
  private readonly tenantId: string
  /** The session's access token and when it expires (ms), kept current by supabase-js's auth events. */
  private session: { token: string; expiresAt: number } | undefined
  private readonly unsubscribeAuth: () => void
  /** PostgREST's RPC endpoint of each function called so far. */
  private readonly rpcUrls = new Map<string, URL>()
  private readonly fileTogether: boolean
  /** Requests made while an intake call is on its way (or in this turn): the next call files them. */
  private toFile: Filing[] = []
  /** An intake call is scheduled or on its way: what is made meanwhile waits for the next. */
  private filing = false

  private constructor(
    /** The agent's supabase-js client: its session, for anything the SDK does not wrap. */
    readonly supabase: SupabaseClient,
    private readonly http: KeepAliveHttp,
    private readonly endpoint: { url: string; anonKey: string },
    session: Session,
    opts: AgentClientOptions,
  ) {
    this.pollIntervalMs = opts.pollIntervalMs ?? 500
    this.livePollIntervalMs = Math.max(opts.livePollIntervalMs ?? LIVE_POLL_INTERVAL_MS, this.pollIntervalMs)
    this.realtime = opts.realtime ?? true
    this.fileTogether = opts.fileTogether ?? true
    this.tenantId = session.user.app_metadata.tenant_id as string
    this.remember(session)
    const { data } = supabase.auth.onAuthStateChange((_event, next) => this.remember(next))
    this.unsubscribeAuth = () => data.subscription.unsubscribe()
  }

  /** True while the tenant's Realtime topic is joined (polling is then only the slow fallback). */
  get isLive(): boolean {
    return this.live
  }

  /** Signs in with the agent's own credential (`npm run agent:create` prints it once). */
  static async signIn(opts: SignInOptions): Promise<AgentClient> {
    const http = keepAliveHttp()
    const supabase = createClient(opts.url, opts.anonKey, {
      auth: { persistSession: false, autoRefreshToken: true, detectSessionInUrl: false },
      global: { fetch: http.fetch },
      // Node before 22 has no global WebSocket; ws is what Realtime then needs.
      realtime: { transport: (opts.webSocket ?? WebSocket) as unknown as RealtimeTransport },
    })
    const { data, error } = await supabase.auth.signInWithPassword({ email: opts.email, password: opts.password })
    if (error) {
      http.close()
      throw new Error(`agent sign-in failed: ${error.message}`)
    }
    const meta = data.user?.app_metadata
    if (typeof meta?.agent_id !== 'string' || typeof meta?.tenant_id !== 'string' || !data.session) {
      await supabase.auth.signOut()
      http.close()
      throw new AgentRefusal('not_an_agent', 'This credential is not an agent’s (no agent_id in app_metadata).')
    }
    return new AgentClient(supabase, http, { url: opts.url, anonKey: opts.anonKey }, data.session, opts)
  }

  private remember(session: Session | null): void {
    this.session = session?.expires_at
      ? { token: session.access_token, expiresAt: session.expires_at * 1000 }
      : undefined
  }

  /** The access token to send: the one kept, unless it is about to expire (then refreshed first). */
  private async accessToken(): Promise<string> {
    const kept = this.session
    if (kept && kept.expiresAt - Date.now() > TOKEN_MARGIN_MS) return kept.token
    const { data, error } = await this.supabase.auth.getSession()
    // Signed out (or the refresh failed): nothing is sent, as the server would refuse it anyway.
    if (error || !data.session) throw new AgentRefusal('not_an_agent', `The agent is not signed in${error ? `: ${error.message}` : '.'}`)
    this.remember(data.session)
    return data.session.access_token
  }

  /**
   * One call of a PostgREST RPC (`fn`, named arguments) as the agent, resolving to its JSON.
   * Every call the SDK makes comes here rather than through supabase.rpc: supabase-js reads the
   * session through its auth lock and builds a query builder, Headers and a Response for every
   * call, about 0.8 of the 1.2–1.6 ms of an agent's CPU per proposal (issue 12, intake throughput;
   * 0.40–0.55 ms this way, same agent). The token is the session supabase-js keeps and refreshes.
   * An error answer (any status but 2xx) rejects with PostgREST's message, as supabase.rpc's
   * error carried it.
   */
  async call(fn: string, params: object = {}): Promise<unknown> {
    let url = this.rpcUrls.get(fn)
    if (!url) this.rpcUrls.set(fn, (url = new URL(`rest/v1/rpc/${encodeURIComponent(fn)}`, `${this.endpoint.url.replace(/\/+$/, '')}/`)))
    const token = await this.accessToken()
    let reply: { status: number; text: string }
    try {
      reply = await this.http.post(url, {
        apikey: this.endpoint.anonKey,
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        accept: 'application/json',
      }, JSON.stringify(params))
    } catch (err) {
      throw new Error(`${fn} failed: ${err instanceof Error ? err.message : String(err)}`)
    }
    if (reply.status >= 200 && reply.status < 300) return reply.text === '' ? null : JSON.parse(reply.text)
    let message = `HTTP ${reply.status}`
    try {
      const body = JSON.parse(reply.text) as { message?: unknown; msg?: unknown }
      message = String(body.message ?? body.msg ?? message)
    } catch {
      // Not PostgREST's JSON (a proxy's page): the status says enough.
    }
    throw new Error(`${fn} failed: ${message}`)
  }

  /**
   * Files a request; resolves to its handle (already decided when a policy routed it auto or deny),
   * or rejects with the AgentRefusal that refused it.
   *
   * Requests made in the same turn of the event loop, or while this client's previous intake call
   * is on its way, go together in the next call (agent_propose_many, which judges each exactly as
   * agent_propose would): an agent, or the MCP gateway, filing many at once pays one round trip
   * and one transaction for the lot instead of one each, and a lone request is sent at once. Each
   * caller still gets its own answer; only an unexpected failure of the call (network, server
   * error) rejects every request in it, and retrying with the same idempotency keys files each once.
   */
  requestApproval(req: ApprovalRequest): Promise<ApprovalHandle> {
    if (this.closed) return Promise.reject(new Error('AgentClient closed'))
    const proposal = proposalOf(req)
    if (!this.fileTogether) return this.proposeOne(proposal).then((answer) => this.handleOf(answer))
    return new Promise<IntakeAnswer>((resolve, reject) => {
      this.toFile.push({ proposal, resolve, reject })
      this.scheduleIntake()
    }).then((answer) => this.handleOf(answer))
  }

  private proposeOne(proposal: Proposal): Promise<IntakeAnswer> {
    // agent_propose names the same fields as parameters: p_tool, p_args, p_external_id, …
    const params = Object.fromEntries(Object.entries(proposal).map(([name, value]) => [`p_${name}`, value]))
    return this.call('agent_propose', params) as Promise<IntakeAnswer>
  }

  /** Files what waits once this turn's callers have had their say (and no call is on its way). */
  private scheduleIntake(): void {
    if (this.filing || this.toFile.length === 0) return
    this.filing = true
    setImmediate(() => void this.fileWaiting())
  }

  private async fileWaiting(): Promise<void> {
    // Empty when close() took them back meanwhile.
    const batch = this.toFile.splice(0, REQUESTS_PER_CALL)
    try {
      if (batch.length === 0) return
      const answers = batch.length === 1 ? [await this.proposeOne(batch[0]!.proposal)] : await this.proposeMany(batch.map((f) => f.proposal))
      batch.forEach((f, i) => f.resolve(answers[i]!))
    } catch (err) {
      for (const f of batch) f.reject(err)
    } finally {
      this.filing = false
      this.scheduleIntake()
    }
  }

  /** One agent_propose_many call: one answer per proposal, in order, or the refusal of the whole list. */
  private async proposeMany(proposals: Proposal[]): Promise<IntakeAnswer[]> {
    const data = await this.call('agent_propose_many', { p_requests: proposals })
    if (!Array.isArray(data)) throw this.refusalOf(data as IntakeAnswer)
    if (data.length !== proposals.length) throw new Error(`agent_propose_many answered ${data.length} of ${proposals.length} requests`)
    return data as IntakeAnswer[]
  }

  /**
   * Files several requests in one call (up to REQUESTS_PER_CALL per round trip, in order), each
   * judged exactly as requestApproval would judge it. Resolves to one entry per request, in order:
   * its handle, or the AgentRefusal that refused it (a refusal of one does not stop the others).
   * Cheaper per request than one call each; a failed call (network, server error) rejects, and
   * retrying with the same idempotency keys files each request once.
   */
  async requestApprovals(reqs: ApprovalRequest[]): Promise<(ApprovalHandle | AgentRefusal)[]> {
    const out: (ApprovalHandle | AgentRefusal)[] = []
    for (let i = 0; i < reqs.length; i += REQUESTS_PER_CALL) {
      for (const answer of await this.proposeMany(reqs.slice(i, i + REQUESTS_PER_CALL).map(proposalOf))) {
        try {
          out.push(this.handleOf(answer))
        } catch (err) {
          if (!(err instanceof AgentRefusal)) throw err
          out.push(err)
        }
      }
    }
    return out
  }

  private handleOf(answer: IntakeAnswer): ApprovalHandle {
    if (answer.status === 'refused' || !answer.request) throw this.refusalOf(answer)
    return new ApprovalHandle(this, answer.request, answer.status === 'replayed')
  }

  private refusalOf(answer: IntakeAnswer): AgentRefusal {
    return new AgentRefusal(answer.code ?? 'invalid_input', answer.message ?? 'The proposal was refused.')
  }

  /** The handle of a request filed earlier (for example before the agent restarted). */
  async resume(actionId: string): Promise<ApprovalHandle> {
    const [view] = await this.fetch([actionId])
    if (!view) throw new AgentRefusal('not_found', `No request ${actionId} of this agent.`)
    return new ApprovalHandle(this, view, true)
  }

  /** Polls now instead of at the next interval (a Realtime poke, a deadline passing). */
  wake(): void {
    if (this.waiting.size === 0) return
    if (this.polling) {
      // The poll in flight may have read before the change that woke us: one more after it.
      this.pollAgain = true
      return
    }
    this.clearTimer()
    void this.pollOnce()
  }

  /** Stops polling and listening (open waits reject) and signs out. */
  async close(): Promise<void> {
    this.closed = true
    this.clearTimer()
    for (const set of this.waiting.values()) for (const w of set) w.reject(new Error('AgentClient closed'))
    this.waiting.clear()
    // Requests not yet sent are not filed: their callers hear so (a call already out finishes).
    for (const f of this.toFile.splice(0)) f.reject(new Error('AgentClient closed'))
    await this.leave()
    this.unsubscribeAuth()
    this.supabase.auth.stopAutoRefresh()
    await this.supabase.auth.signOut()
    this.http.close()
  }

  /** The current state of the caller's own requests. */
  async fetch(actionIds: string[]): Promise<RequestView[]> {
    return (await this.call('agent_requests', { p_action_ids: actionIds })) as RequestView[]
  }

  /** Resolves with the request's view once it is no longer pending. */
  waitFor(actionId: string): { promise: Promise<RequestView>; cancel: () => void } {
    let waiter!: Waiter
    const promise = new Promise<RequestView>((resolve, reject) => (waiter = { resolve, reject }))
    let set = this.waiting.get(actionId)
    if (!set) this.waiting.set(actionId, (set = new Set()))
    set.add(waiter)
    this.listen()
    // A new wait looks once at the normal pace even while live: a poke that came while nobody
    // waited (or before this request was resumed) woke nothing.
    this.pollAtFullPace()
    const cancel = () => {
      set.delete(waiter)
      if (set.size === 0) this.waiting.delete(actionId)
    }
    return { promise, cancel }
  }

  private schedule(interval = this.live ? this.livePollIntervalMs : this.pollIntervalMs): void {
    if (this.closed || this.timer || this.polling || this.waiting.size === 0) return
    this.timerDue = Date.now() + interval
    this.timer = setTimeout(() => {
      this.timer = undefined
      void this.pollOnce()
    }, interval)
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = undefined
  }

  /** The next poll within the normal interval (the topic was lost, or a new wait began). */
  private pollAtFullPace(): void {
    if (this.timer && this.timerDue > Date.now() + this.pollIntervalMs) this.clearTimer()
    this.schedule(this.pollIntervalMs)
  }

  /**
   * Joins the tenant's private poke topic (once; realtime-js rejoins after a lost socket by
   * itself). The tenant is the one the credential is bound to; the server's RLS on
   * realtime.messages admits an agent to that topic only.
   */
  private listen(): void {
    if (!this.realtime || this.closed || this.channel) return
    const channel = this.supabase
      .channel(`tenant:${this.tenantId}`, { config: { private: true } })
      .on('broadcast', { event: 'changed' }, () => this.wake())
    this.channel = channel
    // The join carries realtime-js's cached token: hand it the session's first.
    void this.supabase.realtime.setAuth().then(() => {
      if (this.channel !== channel) return
      channel.subscribe((state) => {
        if (this.channel !== channel) return
        if (state === 'SUBSCRIBED') {
          this.live = true
          // Catch up on whatever was decided while the topic was not joined.
          this.wake()
          return
        }
        this.live = false
        if (state === 'CLOSED') {
          // Closed by the server (token expired, topic refused): realtime-js does not rejoin a
          // closed channel; join afresh at the next wait.
          this.channel = undefined
          void this.supabase.removeChannel(channel)
        }
        // CHANNEL_ERROR, TIMED_OUT: realtime-js rejoins on its own; poll at full pace meanwhile.
        this.pollAtFullPace()
      })
    })
  }

  private async leave(): Promise<void> {
    const channel = this.channel
    this.channel = undefined
    this.live = false
    if (channel) await this.supabase.removeChannel(channel)
  }

  private async pollOnce(): Promise<void> {
    if (this.polling) return this.polling
    this.pollAgain = false
    this.polling = (async () => {
      const ids = [...this.waiting.keys()]
      try {
        for (let i = 0; i < ids.length; i += 500) {
          for (const view of await this.fetch(ids.slice(i, i + 500))) {
            if (view.state === 'pending') continue
            for (const w of this.waiting.get(view.action_id) ?? []) w.resolve(view)
            this.waiting.delete(view.action_id)
          }
        }
      } catch {
        // A failed poll (network, a token being refreshed) is retried at the next interval.
      } finally {
        this.polling = undefined
        if (this.pollAgain) this.wake()
        else this.schedule()
      }
    })()
    return this.polling
  }
}

export class ApprovalHandle {
  constructor(
    private readonly client: AgentClient,
    /** The request as last seen. */
    public view: RequestView,
    /** True when this is a request filed earlier (same idempotency key, or resume). */
    readonly replayed: boolean,
  ) {}

  get actionId(): string {
    return this.view.action_id
  }
  get approvalId(): string {
    return this.view.approval_id
  }

  /**
   * Waits for the decision. With `timeoutMs`, resolves to `{ outcome: 'pending' }` if the request
   * is still open by then (it stays open: wait again or resume later). An expired request resolves
   * to `expired` as soon as its deadline passes, whether or not anyone marked it.
   */
  async decision(opts: { timeoutMs?: number } = {}): Promise<Decision> {
    if (this.view.state !== 'pending') return toDecision(this.view)
    const wait = this.client.waitFor(this.actionId)
    // The expiry is a decision too: look again right after it.
    const expiresIn = this.view.expires_at ? Date.parse(this.view.expires_at) - Date.now() + 50 : Infinity
    const expiryTimer = Number.isFinite(expiresIn)
      ? setTimeout(() => this.client.wake(), Math.max(0, Math.min(expiresIn, 2 ** 31 - 1)))
      : undefined
    let timeout: ReturnType<typeof setTimeout> | undefined
    const timedOut = new Promise<'timeout'>((resolve) => {
      if (opts.timeoutMs !== undefined) timeout = setTimeout(() => resolve('timeout'), opts.timeoutMs)
    })
    try {
      const first = await Promise.race([wait.promise, timedOut])
      if (first === 'timeout') return { outcome: 'pending', expiresAt: this.view.expires_at }
      this.view = first
      return toDecision(first)
    } finally {
      wait.cancel()
      if (timeout) clearTimeout(timeout)
      if (expiryTimer) clearTimeout(expiryTimer)
    }
  }

  /** Withdraws the request while it is pending; a decided request keeps its decision. */
  async cancel(reason?: string): Promise<Decision> {
    const answer = (await this.client.call('agent_cancel', {
      p_action_id: this.actionId,
      p_reason: reason ?? null,
    })) as IntakeAnswer
    if (answer.status === 'refused' || !answer.request) {
      throw new AgentRefusal(answer.code ?? 'invalid_input', answer.message ?? 'The cancellation was refused.')
    }
    this.view = answer.request
    return toDecision(answer.request)
  }
}

export function toDecision(v: RequestView): Decision {
  switch (v.state) {
    case 'approved':
      return {
        outcome: 'approved',
        args: v.args ?? {},
        payloadHash: v.payload_hash ?? '',
        edited: v.edited ?? false,
        route: v.route,
        rule: v.rule,
        decidedAt: v.decided_at,
      }
    case 'rejected':
      return {
        outcome: 'rejected',
        reason: v.reason,
        reasonCode: v.reason_code === 'policy_denied' ? 'policy_denied' : 'reviewer_rejected',
        rule: v.rule,
      }
    case 'expired':
      return { outcome: 'expired', expiresAt: v.expires_at }
    case 'cancelled':
      return { outcome: 'cancelled', reason: v.reason }
    default:
      return { outcome: 'pending', expiresAt: v.expires_at }
  }
}
