// Builds only the renderer (out/renderer) from electron.vite.config.ts, for the web shell. Run
// as its own process by renderer-build.ts so Vite never shares a process with a test runner.
import { resolveConfig } from 'electron-vite'
import { build } from 'vite'

process.env.NODE_ENV_ELECTRON_VITE = 'production'
const { config } = await resolveConfig({}, 'build', 'production')
if (!config?.renderer) throw new Error('electron.vite.config.ts has no renderer section')
await build({ ...config.renderer, configFile: false, logLevel: 'warn' })
