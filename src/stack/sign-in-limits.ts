// Rate limits on password sign-in, as GoTrue's limits on /token answer: 429 once a client IP or an
// account has had too many failed attempts in a window, before any password is checked. Only
// failures count, so hundreds of consoles signing in correctly from one machine (the benchmark,
// an office behind one address) are never turned away; an attempt counts from the moment it
// starts and is taken back when it succeeds, so a burst of parallel guesses is cut off at the limit
// instead of every guess in it being checked.
//
// The account key is the e-mail as typed (lower-cased), whether or not such a user exists: an
// unknown e-mail is limited exactly like a known one, so the limit reveals nothing either.

export interface Limit {
  failures: number
  windowSeconds: number
}

export const SIGN_IN_LIMITS: { perIp: Limit; perAccount: Limit } = {
  perIp: { failures: 30, windowSeconds: 300 },
  perAccount: { failures: 10, windowSeconds: 300 },
}

/** Above this many keys, expired windows are swept (an attacker spraying addresses or e-mails). */
const SWEEP_ABOVE = 100_000

interface Window {
  count: number
  resetsAt: number
}

class FailureCounter {
  private readonly windows = new Map<string, Window>()

  constructor(private readonly limit: Limit) {}

  /** Seconds until `key` may try again; 0 when it may try now. */
  waitFor(key: string, now: number): number {
    const w = this.current(key, now)
    return w && w.count >= this.limit.failures ? Math.max(1, Math.ceil((w.resetsAt - now) / 1000)) : 0
  }

  /** Counts one failure; the window it went into is returned so that it can be taken back. */
  add(key: string, now: number): Window {
    const w = this.current(key, now)
    if (w) {
      w.count++
      return w
    }
    if (this.windows.size >= SWEEP_ABOVE) this.sweep(now)
    const fresh = { count: 1, resetsAt: now + this.limit.windowSeconds * 1000 }
    this.windows.set(key, fresh)
    return fresh
  }

  private current(key: string, now: number): Window | undefined {
    const w = this.windows.get(key)
    if (w && w.resetsAt <= now) {
      this.windows.delete(key)
      return undefined
    }
    return w
  }

  private sweep(now: number): void {
    for (const [key, w] of this.windows) if (w.resetsAt <= now) this.windows.delete(key)
  }
}

export type SignInAttempt =
  | { allowed: false; retryAfterSeconds: number }
  | {
      allowed: true
      /** The password matched: this attempt no longer counts as a failure. */ succeeded(): void
    }

const accountKey = (email: string) => email.trim().toLowerCase()

export class SignInLimits {
  private readonly byIp: FailureCounter
  private readonly byAccount: FailureCounter

  constructor(limits = SIGN_IN_LIMITS) {
    this.byIp = new FailureCounter(limits.perIp)
    this.byAccount = new FailureCounter(limits.perAccount)
  }

  /** Seconds until this address may try this account again; 0 when it may now. */
  waitFor(ip: string, email: string, now = Date.now()): number {
    return Math.max(this.byIp.waitFor(ip, now), this.byAccount.waitFor(accountKey(email), now))
  }

  /** Checks the limits and counts the attempt as a failure until it succeeds. */
  begin(ip: string, email: string, now = Date.now()): SignInAttempt {
    const account = accountKey(email)
    const wait = this.waitFor(ip, email, now)
    if (wait > 0) return { allowed: false, retryAfterSeconds: wait }
    const counted = [this.byIp.add(ip, now), this.byAccount.add(account, now)]
    return {
      allowed: true,
      succeeded: () => {
        for (const w of counted) w.count--
      },
    }
  }
}
