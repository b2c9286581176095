// What the console's own tools write into the project folder stays out of git: the web shell's data
// folder (`npm run dev:web` keeps its replica and session there), the local stack and build output.
// Asked of git itself, so a .gitignore line that stops matching is caught.
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { PROJECT_ROOT } from '../../src/web/server/index'

function ignoredByGit(path: string): boolean {
  // --no-index: judged by the ignore rules alone, whether or not anything is there yet.
  const r = spawnSync('git', ['check-ignore', '--quiet', '--no-index', path], { cwd: PROJECT_ROOT })
  if (r.error) throw r.error
  if (r.status !== 0 && r.status !== 1) throw new Error(`git check-ignore failed: ${String(r.stderr)}`)
  return r.status === 0
}

describe('local state in the project folder', () => {
  it('is git-ignored: the web shell’s data folder, the local stack, build and test output', () => {
    for (const path of ['.web-shell/replicas/x/data', '.web-shell/session.json', '.stack/pg/PG_VERSION', 'out/main/index.js', 'test-results/screenshots/a.png']) {
      expect(ignoredByGit(join(PROJECT_ROOT, path)), path).toBe(true)
    }
    // The rules are not so broad that they hide the project's own files.
    expect(ignoredByGit(join(PROJECT_ROOT, 'scripts/dev-web.ts'))).toBe(false)
  })
})
