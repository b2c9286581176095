// Text PostgreSQL's jsonb cannot store although JSON can say it: U+0000, and a UTF-16 surrogate
// that is not part of a pair (a string cut in the middle of an emoji). The server refuses a whole
// request that carries one, so the console refuses it where it is made (a new intent) and before
// sending (src/core/sync/isolate.ts).

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/
const unstorableText = (text: string) => text.includes('\u0000') || LONE_SURROGATE.test(text)

/** Why a mutation can never be stored by the server, or null. Iterative: a deep value cannot overflow the stack. */
export function unstorable(value: unknown): string | null {
  const stack: unknown[] = [value]
  while (stack.length > 0) {
    const v = stack.pop()
    if (typeof v === 'string') {
      if (unstorableText(v)) return describe(v)
    } else if (Array.isArray(v)) {
      stack.push(...v)
    } else if (v !== null && typeof v === 'object') {
      for (const [k, inner] of Object.entries(v)) {
        if (unstorableText(k)) return describe(k)
        stack.push(inner)
      }
    }
  }
  return null
}

function describe(text: string): string {
  return text.includes('\u0000')
    ? 'The change contains a NUL character (U+0000), which the server cannot store.'
    : 'The change contains a broken character (a lone UTF-16 surrogate), which the server cannot store.'
}
