// `npm run agent:create -- --tenant T --agent NAME`: gives an agent its own sign-in and prints it
// once. Against the local stack (`npm run stack`) by default, or any Supabase with SUPABASE_URL,
// SUPABASE_ANON_KEY and SUPABASE_SERVICE_ROLE_KEY set.
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { createAgentCredentials } from '../src/agent-sdk/provision'
import { defaultStackPort } from '../src/stack/ensure'
import { supabaseClient } from '../src/stack/fixtures'
import { apiKeys } from '../src/stack/keys'

const USAGE = `usage: npm run agent:create -- --tenant T --agent NAME [--autonomy A1|A2|A3] [--risk-tier N]
  --tenant T      tenant id or slug (e.g. northwind-retail)
  --agent NAME    the agent's name; an existing agent of that name gets a new credential
  --autonomy      A1 suggest-only, A2 (default) proposes, A3 may be auto-approved at any risk
  --risk-tier N   highest risk (0-5) it may ask for; default 2
Uses SUPABASE_URL + SUPABASE_ANON_KEY + SUPABASE_SERVICE_ROLE_KEY when set, else the local stack.`

/** Where to connect: the configured Supabase, else the local stack with the CLI's local keys. */
export async function serviceTarget(): Promise<{ url: string; anonKey: string; serviceRoleKey: string }> {
  const url = process.env.SUPABASE_URL
  if (url) {
    const anonKey = process.env.SUPABASE_ANON_KEY
    const serviceRoleKey = process.env.SUPABASE_SERVICE_ROLE_KEY
    if (!anonKey || !serviceRoleKey) {
      throw new Error('SUPABASE_URL is set: set SUPABASE_ANON_KEY and SUPABASE_SERVICE_ROLE_KEY too')
    }
    return { url, anonKey, serviceRoleKey }
  }
  return { url: `http://127.0.0.1:${defaultStackPort()}`, ...(await apiKeys()) }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      tenant: { type: 'string' },
      agent: { type: 'string' },
      autonomy: { type: 'string' },
      'risk-tier': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  })
  if (values.help || !values.tenant || !values.agent) {
    console.log(USAGE)
    process.exitCode = values.help ? 0 : 2
    return
  }
  const autonomy = values.autonomy
  if (autonomy !== undefined && autonomy !== 'A1' && autonomy !== 'A2' && autonomy !== 'A3') {
    throw new Error('--autonomy must be A1, A2 or A3')
  }
  const riskTier = values['risk-tier'] === undefined ? undefined : Number(values['risk-tier'])
  if (riskTier !== undefined && !(Number.isInteger(riskTier) && riskTier >= 0 && riskTier <= 5)) {
    throw new Error('--risk-tier must be a whole number from 0 to 5')
  }
  const target = await serviceTarget()
  const service = supabaseClient({ apiUrl: target.url, anonKey: target.anonKey }, target.serviceRoleKey)
  const c = await createAgentCredentials(service, { tenant: values.tenant, agent: values.agent, autonomy, riskTier })
  console.log(`Agent "${values.agent}" (${c.agentId}) in tenant ${c.tenantId}. Shown once — store it as a secret:`)
  console.log(`AGENT_SUPABASE_URL=${target.url}`)
  console.log(`AGENT_SUPABASE_ANON_KEY=${target.anonKey}`)
  console.log(`AGENT_EMAIL=${c.email}`)
  console.log(`AGENT_PASSWORD=${c.password}`)
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err)
    process.exitCode = 1
  })
}
