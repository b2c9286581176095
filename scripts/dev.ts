// `npm run dev`: the desktop app in development. Starts the local stack unless SUPABASE_URL is
// set, then `electron-vite dev` (Vite dev server for the renderer, Electron for main) with the
// backend passed by environment. Where no Electron binary is installed it says so and stops.
import { spawn } from 'node:child_process'
import { createRequire } from 'node:module'
import { ensureStack } from '../src/stack/ensure'

function electronBinary(): string | null {
  try {
    const path: unknown = createRequire(import.meta.url)('electron')
    return typeof path === 'string' ? path : null
  } catch {
    return null
  }
}

if (!electronBinary()) {
  console.error(`The Electron binary is not installed here (ELECTRON_SKIP_BINARY_DOWNLOAD was set, or the
download failed), so the desktop app cannot start. Install it with:

  node node_modules/electron/install.js

or use the browser instead: npm run dev:web`)
  process.exit(1)
}

const log = (line: string) => console.log(line)
const stack = await ensureStack({ log }).catch((err: unknown) => {
  console.error(`Could not start the local stack: ${err instanceof Error ? err.message : String(err)}
Set STACK_PORT to use other ports, or SUPABASE_URL and SUPABASE_ANON_KEY to use a running Supabase.`)
  process.exit(1)
})
const isLocalStack = !process.env.SUPABASE_URL
log(`${stack.started ? 'Started' : 'Using'} ${isLocalStack ? 'the local stack' : 'Supabase'} at ${stack.url}.`)

const child = spawn(process.execPath, [createRequire(import.meta.url).resolve('electron-vite/bin/electron-vite.js'), 'dev'], {
  stdio: 'inherit',
  env: {
    ...process.env,
    SUPABASE_URL: stack.url,
    SUPABASE_ANON_KEY: stack.anonKey,
    OPS_CONSOLE_LOCAL_STACK: isLocalStack ? '1' : '0',
  },
})

const stop = async (code: number) => {
  await stack.stop()
  process.exit(code)
}
child.on('exit', (code) => void stop(code ?? 0))
process.on('SIGINT', () => child.kill('SIGINT'))
process.on('SIGTERM', () => child.kill('SIGTERM'))
