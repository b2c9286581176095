// The core built once per test run for the processes and worker threads the tests start: the
// worker-hosted core (web shells, contract suites, the crash suite) and the crash suite's child
// process. From the sources, each of those starts by loading the core through tsx's loader, which
// resolves and transpiles every module again in each new process or thread (seconds on a busy
// machine, ~60 starts in the crash suite alone, one or more per e2e file). One esbuild bundle per
// run (well under a second) makes every start a plain module load, as the desktop app's built
// core.js is.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { bundleForNode } from '../../scripts/node-bundle'

export interface CoreBuild {
  /** The core's thread entry (src/core/thread/entry.ts): what workers run. */
  entry: string
  /** The crash suite's child process (test/core/support/core-child.ts). */
  crashChild: string
  dir: string
}

const ROOT = join(import.meta.dirname, '../..')

export async function buildCore(): Promise<CoreBuild> {
  // Inside the project, not the system temp folder: the bundle's package imports resolve from
  // where it lies, up to the project's node_modules. A folder per run: runs may overlap.
  const parent = join(ROOT, 'out', 'test-core')
  mkdirSync(parent, { recursive: true })
  const dir = mkdtempSync(join(parent, 'run-'))
  try {
    await bundleForNode(
      { entry: join(ROOT, 'src/core/thread/entry.ts'), 'crash-child': join(ROOT, 'test/core/support/core-child.ts') },
      dir,
    )
  } catch (err) {
    rmSync(dir, { recursive: true, force: true })
    throw err
  }
  return { entry: join(dir, 'entry.js'), crashChild: join(dir, 'crash-child.js'), dir }
}
