// Signing and checking the stack's HS256 JWTs: access tokens as GoTrue mints them, and the single
// verification both the auth and the RPC routes use (PostgREST's 30 s clock-skew allowance).
import { errors, jwtVerify, SignJWT, type JWTPayload } from 'jose'

/** What the gateway trusts from a verified token. */
export interface Claims extends JWTPayload {
  role?: string
  sub?: string
  email?: string
  session_id?: string
}

export type Verified =
  { ok: true; claims: Claims } | { ok: false; reason: 'expired' | 'invalid' | 'claims'; message: string }

const CLOCK_SKEW_SECONDS = 30

/**
 * Tokens already verified, until they expire: every console sends the same access token with each
 * pull for up to an hour, and checking its signature again each time was a share of the gateway's
 * work per pull (issue 14's server load). Keyed by the whole token, so only the exact bytes that
 * verified are trusted; its expiry is checked on every use; an HS256 token is never revoked before
 * it expires (PostgREST keeps no revocation list either). Bounded: the oldest entries go first.
 */
const verifiedTokens = new Map<string, { secret: string; claims: Claims }>()
const MAX_VERIFIED_TOKENS = 10_000

function remember(secret: string, token: string, claims: Claims): void {
  if (verifiedTokens.size >= MAX_VERIFIED_TOKENS) verifiedTokens.delete(verifiedTokens.keys().next().value!)
  verifiedTokens.set(token, { secret, claims })
}

function keyOf(secret: string): Uint8Array {
  return new TextEncoder().encode(secret)
}

/**
 * A token must carry `exp`: one without it would be valid forever, so a leaked token could never
 * be retired (every token GoTrue mints, and both API keys, carry one). jose reports the missing
 * claim as a claim-validation failure, which the routes answer as PostgREST's PGRST303 / GoTrue's
 * bad_jwt.
 */
export async function verifyJwt(secret: string, token: string): Promise<Verified> {
  const known = verifiedTokens.get(token)
  if (known && known.secret === secret) {
    if (Date.now() / 1000 <= known.claims.exp! + CLOCK_SKEW_SECONDS) return { ok: true, claims: known.claims }
    verifiedTokens.delete(token)
  }
  try {
    const { payload } = await jwtVerify<Claims>(token, keyOf(secret), {
      algorithms: ['HS256'],
      clockTolerance: CLOCK_SKEW_SECONDS,
      requiredClaims: ['exp'],
    })
    remember(secret, token, payload)
    return { ok: true, claims: payload }
  } catch (err) {
    if (err instanceof errors.JWTExpired) return { ok: false, reason: 'expired', message: 'JWT expired' }
    if (err instanceof errors.JWTClaimValidationFailed) {
      return { ok: false, reason: 'claims', message: `JWT claims validation failed: ${err.message}` }
    }
    const message = err instanceof Error ? err.message : String(err)
    return { ok: false, reason: 'invalid', message }
  }
}

export interface AccessTokenInput {
  issuer: string
  userId: string
  email: string
  sessionId: string
  appMetadata: Record<string, unknown>
  userMetadata: Record<string, unknown>
  /** Seconds since the epoch the user authenticated with a password (GoTrue's amr timestamp). */
  authenticatedAt: number
  expiresInSeconds: number
}

/** An access token with the claims GoTrue puts in one (aal1, password amr). */
export async function signAccessToken(
  secret: string,
  t: AccessTokenInput,
): Promise<{ token: string; expiresAt: number }> {
  const iat = Math.floor(Date.now() / 1000)
  const expiresAt = iat + t.expiresInSeconds
  const token = await new SignJWT({
    iss: t.issuer,
    sub: t.userId,
    aud: 'authenticated',
    exp: expiresAt,
    iat,
    email: t.email,
    phone: '',
    app_metadata: t.appMetadata,
    user_metadata: t.userMetadata,
    role: 'authenticated',
    aal: 'aal1',
    amr: [{ method: 'password', timestamp: t.authenticatedAt }],
    session_id: t.sessionId,
    is_anonymous: false,
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .sign(keyOf(secret))
  return { token, expiresAt }
}

/** Any claims, signed with the given secret: for tests of expired, foreign and odd tokens. */
export function signClaims(secret: string, claims: Claims): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(keyOf(secret))
}
