// Builds the three Electron targets: main (ESM, Node), the preload (CommonJS — a sandboxed preload
// cannot be an ES module) and the React renderer, which the web shell serves too.
import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import react from '@vitejs/plugin-react'

const alias = { '@shared': resolve(import.meta.dirname, 'src/shared') }

export default defineConfig({
  main: {
    resolve: { alias },
    build: { rolldownOptions: { input: { index: resolve(import.meta.dirname, 'src/main/index.ts') } } },
  },
  preload: {
    resolve: { alias },
    build: {
      // Everything the preload imports is bundled in: a sandboxed preload may require only 'electron'.
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: resolve(import.meta.dirname, 'src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(import.meta.dirname, 'src/renderer'),
    resolve: { alias },
    plugins: [react()],
    build: {
      rolldownOptions: { input: { index: resolve(import.meta.dirname, 'src/renderer/index.html') } },
      // Source maps would let a reader of the packaged app see the source; the app is not secret,
      // but the maps are dead weight in the asar.
      sourcemap: false,
    },
  },
})
