// Makes sure out/renderer holds a build of the current renderer sources before the web shell
// serves it: the same files and the same CSP as the desktop app, rather than Vite's dev server,
// whose inline scripts the production CSP rightly refuses. Concurrent starts (parallel test files)
// build once: a lock directory serialises them. A rebuild never pulls files from under a shell
// that is serving: it builds aside, adds the new hashed assets, then swaps index.html last.
import { spawn } from 'node:child_process'
import { cp, mkdir, readdir, rename, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'

/** Sources whose change makes the renderer build stale. */
const INPUTS = ['src/renderer', 'src/shared', 'src/web/bridge', 'electron.vite.config.ts', 'package.json']
const LOCK_STALE_MS = 10 * 60_000

async function newestMtime(path: string): Promise<number> {
  let info
  try {
    info = await stat(path)
  } catch {
    return 0
  }
  if (!info.isDirectory()) return info.mtimeMs
  const entries = await readdir(path, { withFileTypes: true })
  const times = await Promise.all(entries.map((e) => newestMtime(join(path, e.name))))
  return Math.max(info.mtimeMs, ...times)
}

export async function rendererIsFresh(projectRoot: string, outDir: string): Promise<boolean> {
  let built: number
  try {
    built = (await stat(join(outDir, 'index.html'))).mtimeMs
  } catch {
    return false
  }
  const sources = await Promise.all(INPUTS.map((p) => newestMtime(join(projectRoot, p))))
  return Math.max(...sources) <= built
}

function runBuild(projectRoot: string, outDir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/web/server/build-renderer-cli.ts', outDir], {
      cwd: projectRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' },
    })
    let output = ''
    child.stdout.on('data', (d: Buffer) => (output += d.toString()))
    child.stderr.on('data', (d: Buffer) => (output += d.toString()))
    child.on('error', reject)
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`renderer build failed (exit ${code}):\n${output.slice(-4000)}`)),
    )
  })
}

async function takeLock(lock: string, deadline: number): Promise<void> {
  for (;;) {
    try {
      await mkdir(lock)
      return
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
    }
    const age = Date.now() - (await stat(lock).then((s) => s.mtimeMs).catch(() => Date.now()))
    if (age > LOCK_STALE_MS) await rm(lock, { recursive: true, force: true })
    if (Date.now() > deadline) throw new Error(`timed out waiting for another renderer build (${lock})`)
    await new Promise((r) => setTimeout(r, 250))
  }
}

/**
 * Moves a finished build into place without a moment where the served folder is empty or half
 * written: assets first (hashed names, so old pages keep theirs), index.html last, by rename.
 */
async function publish(staging: string, outDir: string): Promise<void> {
  await mkdir(outDir, { recursive: true })
  for (const entry of await readdir(staging)) {
    if (entry !== 'index.html') await cp(join(staging, entry), join(outDir, entry), { recursive: true, force: true })
  }
  await rename(join(staging, 'index.html'), join(outDir, 'index.html'))
  await rm(staging, { recursive: true, force: true })
}

/** Builds the renderer unless out/renderer is newer than every source; returns the folder. */
export async function ensureRendererBuild(projectRoot: string, log: (line: string) => void = () => {}): Promise<string> {
  const outDir = join(projectRoot, 'out', 'renderer')
  if (await rendererIsFresh(projectRoot, outDir)) return outDir
  await mkdir(join(projectRoot, 'out'), { recursive: true })
  const lock = join(projectRoot, 'out', '.renderer-build.lock')
  await takeLock(lock, Date.now() + 5 * 60_000)
  try {
    // Another process may have built it while this one waited.
    if (!(await rendererIsFresh(projectRoot, outDir))) {
      log('Building the renderer (out/renderer)…')
      const started = Date.now()
      const staging = join(projectRoot, 'out', '.renderer-next')
      await runBuild(projectRoot, staging)
      await publish(staging, outDir)
      log(`Renderer built in ${((Date.now() - started) / 1000).toFixed(1)} s.`)
    }
  } finally {
    await rm(lock, { recursive: true, force: true })
  }
  return outDir
}
