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

function block(text: string, key: number): ReactNode {
  const lines = text.split('\n')
  if (lines.length >= 2 && lines.every((l) => l.trim().startsWith('|')) && /^\s*\|?[\s:|-]+\|?\s*$/.test(lines[1] ?? '')) {
    return <Table key={key} lines={lines} />
  }
  if (lines.every((l) => /^\s*[-*] /.test(l))) {
    return (
      <ul key={key}>
        {lines.map((l, i) => (
          <li key={i}>{inline(l.replace(/^\s*[-*] /, ''))}</li>
        ))}
      </ul>
    )
  }
  const heading = /^(#{1,4})\s+(.*)$/.exec(lines[0] ?? '')
  if (heading && lines.length === 1) return <h4 key={key}>{inline(heading[2] ?? '')}</h4>
  return (
    <p key={key}>
      {lines.map((l, i) => (
        <span key={i}>
          {i > 0 && <br />}
          {inline(l)}
        </span>
      ))}
    </p>
  )
}

export function Markdown({ text, className }: { text: string; className?: string }) {
  const blocks = text.replace(/\r\n/g, '\n').split(/\n\s*\n/).filter((b) => b.trim() !== '')
  return <div className={`markdown ${className ?? ''}`}>{blocks.map(block)}</div>
}
