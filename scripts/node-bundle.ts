// One esbuild bundle of TypeScript entries for Node, as the app ships its core: the bench and the
// test run start many processes and worker threads, and loading the sources through tsx resolves
// and transpiles every module again in each (seconds on a busy machine). Packages stay imports,
// resolved from the project's node_modules (PGlite finds its WASM beside its own files), so the
// output must lie inside the project.
import { build } from 'esbuild'

/** Bundles each entry (output name → source path) into `outdir` as `<name>.js`, sharing one chunk. */
export async function bundleForNode(entryPoints: Record<string, string>, outdir: string): Promise<void> {
  await build({
    entryPoints,
    outdir,
    bundle: true,
    // Entries run together (a child and the workers it starts) load the same code once.
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    logLevel: 'error',
  })
}
