// Builds the three Electron targets: main (ESM, Node), the preload (CommonJS — a sandboxed preload
// cannot be an ES module) and the React renderer, which the web shell serves too.
import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import type { Plugin } from 'vite'
import react from '@vitejs/plugin-react'
import { contentSecurityPolicy } from './src/shell-common/renderer-assets'

const alias = { '@shared': resolve(import.meta.dirname, 'src/shared') }

/**
 * Writes the production CSP into the built index.html as well: both shells send it as a header,
 * and the meta copy keeps the page locked down however it is opened (and lets electronegativity
 * see it). frame-ancestors is header-only. Build only: the dev server needs its inline preamble.
 */
function cspMeta(): Plugin {
  const policy = contentSecurityPolicy()
    .split('; ')
    .filter((d) => !d.startsWith('frame-ancestors'))
    .join('; ')
  return {
    name: 'operator-console:csp-meta',
    apply: 'build',
    transformIndexHtml: () => [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: policy }, injectTo: 'head-prepend' }],
  }
}

export default defineConfig({
  main: {
    resolve: { alias },
    // The core runs in its own utility process: its entry is built beside the main bundle (core.js);
    // the workers that build spare replicas off the core's thread run the same file.
    build: {
      rolldownOptions: {
        input: {
          index: resolve(import.meta.dirname, 'src/main/index.ts'),
          core: resolve(import.meta.dirname, 'src/core/thread/entry.ts'),
        },
      },
    },
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
    plugins: [react(), cspMeta()],
    build: {
      rolldownOptions: { input: { index: resolve(import.meta.dirname, 'src/renderer/index.html') } },
      sourcemap: false,
    },
  },
})
