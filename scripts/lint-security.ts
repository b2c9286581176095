// `npm run lint:security`: runs @doyensec/electronegativity over the Electron shell — src/main,
// src/preload and the built renderer page (for its CSP) — as one app, so the app-wide checks
// (navigation limits, permission handler, CSP) see every part. Prints every finding and exits 1
// on any HIGH or MEDIUM one. A finding that is a false positive is marked at its line with
// electronegativity's own `// eng-disable CHECK_ID` and a comment saying why.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PROJECT_ROOT } from '../src/web/server/index'
import { ensureRendererBuild } from '../src/web/server/renderer-build'

interface Finding {
  file: string
  location?: { line: number; column: number }
  id: string
  description: string
  sample?: string
  severity: { name: string }
  confidence: { name: string }
  manualReview?: boolean
}

interface ScanOptions {
  input: string
  isSarif: boolean
  customScan: string[]
  isRelative: boolean
  electronVersionOverride: string
  parserPlugins: string[]
}
interface ScanResult {
  issues: Finding[]
  errors: { file: string; message?: string }[]
}

// The package ships no types; this is the programmatic entry its README documents.
const run = createRequire(import.meta.url)('@doyensec/electronegativity') as (options: ScanOptions) => Promise<ScanResult>

const FAILING = new Set(['HIGH', 'MEDIUM'])

function electronVersion(): string {
  const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, 'node_modules/electron/package.json'), 'utf8')) as { version: string }
  return pkg.version
}

/** The shell as electronegativity should see it: main, preload and the page, nothing else. */
async function stageApp(): Promise<string> {
  const rendererDir = await ensureRendererBuild(PROJECT_ROOT, (line) => console.log(line))
  const dir = mkdtempSync(join(tmpdir(), 'oc-electronegativity-'))
  cpSync(join(PROJECT_ROOT, 'src/main'), join(dir, 'src/main'), { recursive: true })
  cpSync(join(PROJECT_ROOT, 'src/preload'), join(dir, 'src/preload'), { recursive: true })
  mkdirSync(join(dir, 'renderer'))
  cpSync(join(rendererDir, 'index.html'), join(dir, 'renderer/index.html'))
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'operator-console', devDependencies: { electron: electronVersion() } }))
  return dir
}

const dir = await stageApp()
let findings: Finding[]
try {
  const result = await run({
    input: dir,
    isSarif: false,
    customScan: [],
    isRelative: true,
    electronVersionOverride: electronVersion(),
    parserPlugins: [],
  })
  if (result.errors.length > 0) {
    for (const e of result.errors) console.error(`could not analyse ${e.file}: ${e.message ?? 'parse error'}`)
    process.exitCode = 1
  }
  findings = result.issues
} finally {
  rmSync(dir, { recursive: true, force: true })
}

const order = ['HIGH', 'MEDIUM', 'LOW', 'INFORMATIONAL']
findings.sort((a, b) => order.indexOf(a.severity.name) - order.indexOf(b.severity.name))
for (const f of findings) {
  const where = f.location && f.location.line > 0 ? `${f.file}:${f.location.line}` : f.file
  console.log(`${f.severity.name.padEnd(13)} ${f.confidence.name.padEnd(9)} ${f.id}  ${where}\n  ${f.description}${f.sample ? `\n  ${String(f.sample).trim().slice(0, 160)}` : ''}`)
}
const failing = findings.filter((f) => FAILING.has(f.severity.name))
console.log(
  `\nelectronegativity (Electron ${electronVersion()}): ${findings.length} finding(s), ${failing.length} high or medium.`,
)
if (failing.length > 0) process.exitCode = 1
