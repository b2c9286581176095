// Which Supabase the console talks to, from the environment the dev scripts (or a deployment)
// set: SUPABASE_URL and SUPABASE_ANON_KEY, with OPS_CONSOLE_LOCAL_STACK=1 marking the local stack
// (its demo reviewers are then offered on the sign-in screen). Settings saved by the reviewer
// override these inside the core. Every shell, the bench and the tests pass this one shape.
export interface BackendConfig {
  url: string
  anonKey: string
  /** The local stack (dev, demo, tests): its demo reviewers are offered on the sign-in screen. */
  isLocalStack: boolean
}

/** The Supabase CLI's local API address, which `npm run stack` also uses. */
export const LOCAL_STACK_URL = 'http://127.0.0.1:54321'

export function backendFromEnv(env: NodeJS.ProcessEnv): BackendConfig {
  const url = env.SUPABASE_URL?.trim()
  return {
    url: url || LOCAL_STACK_URL,
    anonKey: env.SUPABASE_ANON_KEY?.trim() ?? '',
    isLocalStack: !url || env.OPS_CONSOLE_LOCAL_STACK === '1',
  }
}
