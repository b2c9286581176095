// `npm run dev` where no Electron binary can be had (this machine, a laptop offline, a proxy that
// blocks GitHub): one plain line says why and what happens instead, then the web shell opens —
// no installer stack trace. The download is made to fail at once (a mirror no one listens on, an
// empty cache), so the test means the same on a machine with a network.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { PROJECT_ROOT } from '../../src/web/server/index'

const require = createRequire(import.meta.url)

function electronInstalled(): boolean {
  try {
    return typeof require('electron') === 'string'
  } catch {
    return false
  }
}

const cache = mkdtempSync(join(tmpdir(), 'oc-electron-cache-'))
afterAll(() => rmSync(cache, { recursive: true, force: true }))

/** Runs `npm run dev`'s script until it says the console opens in the browser, then stops it. */
function devOutputUntilFallback(): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [require.resolve('tsx/cli'), 'scripts/dev.ts'], {
      cwd: PROJECT_ROOT,
      detached: true, // its own process group: the web shell it starts goes with it
      env: { ...process.env, ELECTRON_MIRROR: 'http://127.0.0.1:9/', electron_config_cache: cache },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    const stop = () => {
      try {
        process.kill(-child.pid!, 'SIGKILL')
      } catch {
        // already gone
      }
    }
    const read = (chunk: Buffer) => {
      out += chunk.toString()
      if (out.includes('opens in the browser instead')) {
        stop()
        resolve(out)
      }
    }
    child.stdout.on('data', read)
    child.stderr.on('data', read)
    child.on('error', reject)
    child.on('exit', () => resolve(out))
  })
}

describe('npm run dev without an Electron binary', () => {
  it.skipIf(electronInstalled())('says in one line why it opens the browser instead, with no stack trace', async () => {
    const out = await devOutputUntilFallback()
    expect(out).toMatch(/Electron could not be downloaded \(.+\), so the console opens in the browser instead \(npm run dev:web\)/)
    // A stack trace has "    at <frame>" lines; none may reach the reviewer's terminal.
    expect(out).not.toMatch(/^\s+at /m)
    expect(out.trim().split('\n').length).toBeLessThanOrEqual(3)
  })
})
