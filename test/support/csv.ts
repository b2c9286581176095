// A strict RFC 4180 reader for tests: records end in CRLF, a quoted field may hold commas, CR, LF
// and doubled quotes, and anything else (a bare LF, a quote inside an unquoted field, an unclosed
// quote, records of different widths) is an error — so "the export parses" means it follows the RFC.

export function parseCsv(text: string): string[][] {
  const records: string[][] = []
  let record: string[] = []
  let i = 0
  const fail = (why: string) => {
    throw new Error(`CSV: ${why} at offset ${i} (record ${records.length + 1})`)
  }
  while (i < text.length) {
    let field = ''
    if (text[i] === '"') {
      i++
      for (;;) {
        if (i >= text.length) fail('unclosed quote')
        const c = text[i]!
        if (c === '"') {
          if (text[i + 1] === '"') {
            field += '"'
            i += 2
            continue
          }
          i++
          break
        }
        field += c
        i++
      }
    } else {
      while (i < text.length && text[i] !== ',' && text[i] !== '\r' && text[i] !== '\n') {
        if (text[i] === '"') fail('quote inside an unquoted field')
        field += text[i]
        i++
      }
    }
    record.push(field)
    if (text[i] === ',') {
      i++
      continue
    }
    if (text.startsWith('\r\n', i)) {
      i += 2
      records.push(record)
      record = []
      continue
    }
    fail(i >= text.length ? 'last record without CRLF' : `unexpected ${JSON.stringify(text[i])}`)
  }
  const width = records[0]?.length ?? 0
  records.forEach((r, n) => {
    if (r.length !== width) throw new Error(`CSV: record ${n + 1} has ${r.length} fields, the header ${width}`)
  })
  return records
}

/** The records after the header as objects keyed by the header's names. */
export function csvObjects(text: string): { header: string[]; rows: Record<string, string>[] } {
  const [header = [], ...records] = parseCsv(text)
  return { header, rows: records.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? '']))) }
}
