// Builds only the renderer from electron.vite.config.ts into the folder given as the first
// argument, for the web shell. Run as its own process by renderer-build.ts so Vite never shares a
// process with a test runner.
import { resolve } from 'node:path'
import { resolveConfig } from 'electron-vite'
import { build } from 'vite'

const outDir = process.argv[2]
if (!outDir) throw new Error('usage: build-renderer-cli.ts <outDir>')
process.env.NODE_ENV_ELECTRON_VITE = 'production'
const { config } = await resolveConfig({}, 'build', 'production')
if (!config?.renderer) throw new Error('electron.vite.config.ts has no renderer section')
await build({
  ...config.renderer,
  configFile: false,
  logLevel: 'warn',
  build: { ...config.renderer.build, outDir: resolve(outDir), emptyOutDir: true },
})
