// `npm run mcp-gateway`: the MCP approval gateway in front of an upstream MCP server (issue 13).
// Point any MCP client at it (stdio, or streamable HTTP at /mcp); see README-exec.md.
import { parseArgs } from 'node:util'
import { DEFAULT_STACK_DIR } from '../src/stack/ensure'
import { liveStack } from '../src/stack/lock'
import type { McpEndpoint } from '../src/executor/mcp-client'
import { startGateway } from '../src/mcp-gateway/start'

const USAGE = `usage: npm run mcp-gateway -- (--upstream-url URL | --upstream-command "CMD ARGS…") [--stdio | --port N]
  --upstream-url URL        the upstream MCP server over streamable HTTP
  --upstream-command CMD    or a command that serves it over stdio (split on spaces)
  --stdio                   serve over stdio (for a client that starts the gateway)
  --port N                  serve streamable HTTP at http://127.0.0.1:N/mcp (default 8790)
  --max-wait S              seconds a call waits for a decision before answering "still pending" (600)
Environment: AGENT_EMAIL and AGENT_PASSWORD (the agent's credential from npm run agent:create);
SUPABASE_URL and SUPABASE_ANON_KEY (default: the local stack); GATEWAY_TOKEN (HTTP clients must
send "Authorization: Bearer <token>").`

const { values } = parseArgs({
  options: {
    'upstream-url': { type: 'string' },
    'upstream-command': { type: 'string' },
    stdio: { type: 'boolean', default: false },
    port: { type: 'string', default: '8790' },
    'max-wait': { type: 'string', default: '600' },
    help: { type: 'boolean', default: false },
  },
})

function fail(message: string): never {
  console.error(`${message}\n\n${USAGE}`)
  process.exit(2)
}

if (values.help) {
  console.log(USAGE)
  process.exit(0)
}
const command = values['upstream-command']?.split(' ').filter(Boolean)
const upstream: McpEndpoint | undefined = values['upstream-url']
  ? { url: values['upstream-url'] }
  : command?.[0]
    ? { command: command[0], args: command.slice(1) }
    : undefined
if (!upstream) fail('name the upstream: --upstream-url or --upstream-command')
const local = liveStack(DEFAULT_STACK_DIR)
const url = process.env.SUPABASE_URL ?? local?.apiUrl
const anonKey = process.env.SUPABASE_ANON_KEY ?? local?.anonKey
const email = process.env.AGENT_EMAIL
const password = process.env.AGENT_PASSWORD
if (!url || !anonKey) fail('no backend: set SUPABASE_URL and SUPABASE_ANON_KEY, or start the local stack (npm run stack)')
if (!email || !password) fail('no agent credential: set AGENT_EMAIL and AGENT_PASSWORD (npm run agent:create prints them)')
const maxWait = Number(values['max-wait'])
if (!Number.isFinite(maxWait) || maxWait <= 0) fail('--max-wait must be a positive number of seconds')

// Over stdio, stdout is the protocol: everything human goes to stderr.
const log = (line: string) => console.error(line)
const gateway = await startGateway({
  upstream,
  backend: { url, anonKey, email, password },
  transport: values.stdio ? { kind: 'stdio' } : { kind: 'http', port: Number(values.port), token: process.env.GATEWAY_TOKEN },
  maxWaitMs: maxWait * 1000,
  log,
})
const stop = () => void gateway.close().then(() => process.exit(0))
process.once('SIGINT', stop)
process.once('SIGTERM', stop)
