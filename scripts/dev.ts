// `npm run dev`: the desktop app in development. Starts the local stack unless SUPABASE_URL is
// set, then `electron-vite dev` (Vite dev server for the renderer, Electron for main) with the
// backend passed by environment.
import { spawn, spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { ensureStack } from '../src/stack/ensure'
import { startDevExecutor } from '../src/executor/dev'

const require = createRequire(import.meta.url)

function electronBinary(): string | null {
  try {
    const path: unknown = require('electron')
    return typeof path === 'string' ? path : null
  } catch {
    return null
  }
}

// `npm install` does not run Electron's download script (package.json allowScripts), so that the
// install works offline; the binary is fetched here on first use. Where it cannot be had, the same
// console opens in the browser (the web shell) rather than failing.
if (!electronBinary()) {
  console.log('No Electron binary yet: fetching it once (node node_modules/electron/install.js)…')
  // The installer's error is a stack trace; only its first line (what went wrong) is worth showing.
  const fetched = spawnSync(process.execPath, [require.resolve('electron/install.js')], {
    stdio: ['ignore', 'inherit', 'pipe'],
    encoding: 'utf8',
    timeout: 180_000,
    env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '' },
  })
  if (fetched.status !== 0 || !electronBinary()) {
    const firstLine = (fetched.stderr ?? '').trim().split('\n')[0]
    const reason = fetched.error?.message ?? (firstLine || 'no reason given')
    console.log(
      `Electron could not be downloaded (${reason}), so the console opens in the browser instead (npm run dev:web); run \`node node_modules/electron/install.js\` where a network allows it.`,
    )
    const web = spawn(
      process.execPath,
      [require.resolve('tsx/cli'), 'scripts/dev-web.ts', ...process.argv.slice(2)],
      {
        stdio: 'inherit',
      },
    )
    process.on('SIGINT', () => web.kill('SIGINT'))
    process.on('SIGTERM', () => web.kill('SIGTERM'))
    web.on('exit', (code) => process.exit(code ?? 0))
    await new Promise(() => {}) // the web shell owns the process from here
  }
}

const log = (line: string) => console.log(line)
const stack = await ensureStack({ log }).catch((err: unknown) => {
  console.error(`Could not start the local stack: ${err instanceof Error ? err.message : String(err)}
Set STACK_PORT to use other ports, or SUPABASE_URL and SUPABASE_ANON_KEY to use a running Supabase.`)
  process.exit(1)
})
const isLocalStack = !process.env.SUPABASE_URL
log(
  `${stack.started ? 'Started' : 'Using'} ${isLocalStack ? 'the local stack' : 'Supabase'} at ${stack.url}.`,
)

const executor = isLocalStack ? await startDevExecutor(stack, log) : undefined

const child = spawn(process.execPath, [require.resolve('electron-vite/bin/electron-vite.js'), 'dev'], {
  stdio: 'inherit',
  env: {
    ...process.env,
    SUPABASE_URL: stack.url,
    SUPABASE_ANON_KEY: stack.anonKey,
    OPS_CONSOLE_LOCAL_STACK: isLocalStack ? '1' : '0',
  },
})

const stop = async (code: number) => {
  await executor?.stop()
  await stack.stop()
  process.exit(code)
}
child.on('exit', (code) => void stop(code ?? 0))
process.on('SIGINT', () => child.kill('SIGINT'))
process.on('SIGTERM', () => child.kill('SIGTERM'))
