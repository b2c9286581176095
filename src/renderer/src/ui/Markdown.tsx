// A small, safe markdown reader for approval summaries: paragraphs, headings, lists, pipe tables,
// **bold**, *italic* and `code`. It builds React elements (never HTML strings), and shows links as
// their text: a summary written by an agent must not send a reviewer anywhere.
import type { ReactNode } from 'react'

const INLINE = /(\*\*[^*]+\*\*|`[^`]+`|\*[^*\s][^*]*\*|_[^_\s][^_]*_|\[[^\]]+\]\([^)]*\))/g

function inline(text: string): ReactNode[] {
  return text.split(INLINE).map((part, i) => {
    if (part.startsWith('**') && part.endsWith('**') && part.length > 4) return <strong key={i}>{part.slice(2, -2)}</strong>
    if (part.startsWith('`') && part.endsWith('`') && part.length > 2) return <code key={i}>{part.slice(1, -1)}</code>
    if (/^\[[^\]]+\]\(/.test(part)) return <span key={i}>{part.slice(1, part.indexOf(']'))}</span>
    if ((part.startsWith('*') && part.endsWith('*')) || (part.startsWith('_') && part.endsWith('_'))) {
      if (part.length > 2) return <em key={i}>{part.slice(1, -1)}</em>
    }
    return part
  })
}

function cells(row: string): string[] {
  return row
    .trim()
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split('|')
    .map((c) => c.trim())
}

function Table({ lines }: { lines: string[] }) {
  const [head = '', sep = '', ...body] = lines
  const aligns = cells(sep).map((c) => (c.endsWith(':') ? 'num' : undefined))
  return (
    <div className="table-wrap">
      <table className="data-table">
        <thead>
          <tr>
            {cells(head).map((c, i) => (
              <th key={i} scope="col" className={aligns[i]}>
                {inline(c)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {body.map((r, i) => (
            <tr key={i}>
              {cells(r).map((c, j) => (
                <td key={j} className={aligns[j]}>
                  {inline(c)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

type Run = { kind: 'table' | 'list' | 'para'; lines: string[] }

const isTableLine = (l: string) => l.trim().startsWith('|')
const isListLine = (l: string) => /^\s*[-*] /.test(l)

/** Splits a block into runs of table rows, list items and plain lines. */
function runs(lines: readonly string[]): Run[] {
  const out: Run[] = []
  for (const line of lines) {
    const kind: Run['kind'] = isTableLine(line) ? 'table' : isListLine(line) ? 'list' : 'para'
    const last = out[out.length - 1]
    if (last && last.kind === kind) last.lines.push(line)
    else out.push({ kind, lines: [line] })
  }
  return out
}

function renderRun(run: Run, key: string): ReactNode {
  if (run.kind === 'table' && run.lines.length >= 2 && /^\s*\|?[\s:|-]+\|?\s*$/.test(run.lines[1] ?? '')) {
    return <Table key={key} lines={run.lines} />
  }
  if (run.kind === 'list') {
    return (
      <ul key={key}>
        {run.lines.map((l, i) => (
          <li key={i}>{inline(l.replace(/^\s*[-*] /, ''))}</li>
        ))}
      </ul>
    )
  }
  const heading = /^(#{1,4})\s+(.*)$/.exec(run.lines[0] ?? '')
  if (heading && run.lines.length === 1) return <h4 key={key}>{inline(heading[2] ?? '')}</h4>
  return (
    <p key={key}>
      {run.lines.map((l, i) => (
        <span key={i}>
          {i > 0 && <br />}
          {inline(l)}
        </span>
      ))}
    </p>
  )
}

function block(text: string, key: number): ReactNode {
  return runs(text.split('\n')).map((run, i) => renderRun(run, `${key}.${i}`))
}

export function Markdown({ text, className }: { text: string; className?: string }) {
  const blocks = text.replace(/\r\n/g, '\n').split(/\n\s*\n/).filter((b) => b.trim() !== '')
  return <div className={`markdown ${className ?? ''}`}>{blocks.map(block)}</div>
}
