// Reading a change set's patches for the diff viewer: numbered lines, per-file counts, the
// side-by-side pairing, and patches agents get wrong (miscounted hunks) still shown, marked.
import { createTwoFilesPatch } from 'diff'
import { describe, expect, it } from 'vitest'
import { hunkRange, parseFileDiff, splitRows, type DiffLine } from '../../src/renderer/src/diff/parse'

const line = (l: DiffLine | null) => (l ? `${l.kind[0]}${l.oldNo ?? '_'}:${l.newNo ?? '_'} ${l.text}` : null)

describe('parseFileDiff', () => {
  it('numbers old and new lines across hunks and counts additions and deletions', () => {
    const text = [
      '--- a/src/limits.ts',
      '+++ b/src/limits.ts',
      '@@ -3,3 +3,4 @@ export const LIMITS = {',
      '   currency: "EUR",',
      '-  refund: 500,',
      '+  refund: 750,',
      '+  payout: 2000,',
      '   daily: 10000,',
      '@@ -20,3 +21,2 @@ function check() {',
      '   a()',
      '-  b()',
      '   c()',
      '',
    ].join('\n')
    const f = parseFileDiff('src/limits.ts', text)
    expect(f.malformed).toBeNull()
    expect(f.change).toBe('modified')
    expect([f.additions, f.deletions]).toEqual([2, 2])
    expect(f.hunks.map((h) => h.section)).toEqual(['export const LIMITS = {', 'function check() {'])
    expect(f.hunks[0]?.lines.map(line)).toEqual([
      'c3:3   currency: "EUR",',
      'd4:_   refund: 500,',
      'a_:4   refund: 750,',
      'a_:5   payout: 2000,',
      'c5:6   daily: 10000,',
    ])
    expect(f.hunks[1]?.lines.map(line)).toEqual(['c20:21   a()', 'd21:_   b()', 'c22:22   c()'])
    expect(hunkRange(f.hunks[0]!)).toBe('lines 3–6')
  })

  it('reads what the diff package writes, including a missing newline at the end', () => {
    const text = createTwoFilesPatch('a/x.js', 'b/x.js', 'a\nb\nc\n', 'a\nB\nc\nd', '', '')
    const f = parseFileDiff('x.js', text)
    expect(f.malformed).toBeNull()
    expect([f.additions, f.deletions]).toEqual([2, 1])
    const last = f.hunks[0]?.lines.at(-1)
    expect(last).toMatchObject({ kind: 'add', text: 'd', newNo: 4, noNewline: true })
  })

  it('tells a new file, a deleted file and a binary file apart', () => {
    const created = parseFileDiff(
      'n.txt',
      'diff --git a/n.txt b/n.txt\nnew file mode 100644\n--- /dev/null\n+++ b/n.txt\n@@ -0,0 +1,2 @@\n+x\n+y\n',
    )
    expect(created.change).toBe('added')
    expect(created.hunks[0]?.lines.map(line)).toEqual(['a_:1 x', 'a_:2 y'])
    const deleted = parseFileDiff('d.txt', '--- a/d.txt\n+++ /dev/null\n@@ -1,2 +0,0 @@\n-x\n-y\n')
    expect(deleted.change).toBe('deleted')
    expect(deleted.hunks[0]?.lines.map(line)).toEqual(['d1:_ x', 'd2:_ y'])
    const binary = parseFileDiff(
      'logo.png',
      'diff --git a/logo.png b/logo.png\nBinary files a/logo.png and b/logo.png differ\n',
    )
    expect(binary.change).toBe('binary')
    expect(binary.hunks).toEqual([])
  })

  it('still shows a patch whose hunk header miscounts its lines, and says it is malformed', () => {
    // The header promises 9 old / 12 new lines; the body has 8 / 10.
    const text = [
      '--- a/src/payouts/retry.ts',
      '+++ b/src/payouts/retry.ts',
      '@@ -1,9 +1,12 @@',
      " import { sendPayout } from './client'",
      '',
      '-export const MAX_ATTEMPTS = 3',
      '+export const MAX_ATTEMPTS = 6',
      '+export const BASE_DELAY_MS = 500',
      ' ',
      ' export async function retryPayout(id: string, attempt = 0) {',
      '-  await sleep(1000)',
      '+  const jitter = Math.random() * BASE_DELAY_MS',
      '+  await sleep(BASE_DELAY_MS * 2 ** attempt + jitter)',
      '   return sendPayout(id)',
      ' }',
    ].join('\n')
    const f = parseFileDiff('src/payouts/retry.ts', text)
    expect(f.malformed).toMatch(/count/i)
    expect([f.additions, f.deletions]).toEqual([4, 2])
    expect(f.hunks).toHaveLength(1)
    const lines = f.hunks[0]!.lines
    expect(lines).toHaveLength(12)
    // The stripped empty context line still counts on both sides.
    expect(line(lines[1]!)).toBe('c2:2 ')
    expect(line(lines.at(-1)!)).toBe('c8:10 }')
  })

  it('has no hunks for text that is not a diff', () => {
    const f = parseFileDiff('notes.md', 'just some text\nwithout hunks')
    expect(f.hunks).toEqual([])
    expect([f.additions, f.deletions]).toEqual([0, 0])
  })
})

describe('splitRows', () => {
  it('faces removed lines with added lines within each run of changes, context on both sides', () => {
    const text = [
      '@@ -1,6 +1,6 @@',
      ' keep',
      '-old 1',
      '-old 2',
      '-old 3',
      '+new 1',
      ' middle',
      '-gone',
      '+new 2',
      '+new 3',
      ' end',
      '',
    ].join('\n')
    const f = parseFileDiff('f', text)
    const rows = splitRows(f.hunks[0]!).map((r) => [line(r.left), line(r.right)])
    expect(rows).toEqual([
      ['c1:1 keep', 'c1:1 keep'],
      ['d2:_ old 1', 'a_:2 new 1'],
      ['d3:_ old 2', null],
      ['d4:_ old 3', null],
      ['c5:3 middle', 'c5:3 middle'],
      ['d6:_ gone', 'a_:4 new 2'],
      [null, 'a_:5 new 3'],
      ['c7:6 end', 'c7:6 end'],
    ])
  })

  it('keeps interleaved removals and additions in order on their own side', () => {
    const f = parseFileDiff('f', '@@ -1,2 +1,2 @@\n-a\n+A\n-b\n+B\n')
    expect(splitRows(f.hunks[0]!).map((r) => [r.left?.text, r.right?.text])).toEqual([
      ['a', 'A'],
      ['b', 'B'],
    ])
  })
})
