// The keys of a local Supabase: the Supabase CLI's well-known JWT secret and the anon /
// service_role API keys signed with it, so this stack and `supabase start` are interchangeable.
import { SignJWT } from 'jose'

/** The Supabase CLI's local JWT secret. Public on purpose: it only ever guards local data. */
export const LOCAL_JWT_SECRET = 'super-secret-jwt-token-with-at-least-32-characters-long'

/** Expiry the CLI bakes into its demo keys (2032-11-11). */
const DEMO_KEY_EXPIRY = 1983812996

export type ApiRole = 'anon' | 'service_role'

export interface ApiKeys {
  anonKey: string
  serviceRoleKey: string
}

/** Claim order matters: it makes the anon key byte-identical to the one the CLI prints. */
export function signApiKey(secret: string, role: ApiRole): Promise<string> {
  return new SignJWT({ iss: 'supabase-demo', role, exp: DEMO_KEY_EXPIRY })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .sign(new TextEncoder().encode(secret))
}

export async function apiKeys(secret: string = LOCAL_JWT_SECRET): Promise<ApiKeys> {
  const [anonKey, serviceRoleKey] = await Promise.all([
    signApiKey(secret, 'anon'),
    signApiKey(secret, 'service_role'),
  ])
  return { anonKey, serviceRoleKey }
}
