// The JSON-Schema subset that approve-with-edits is checked against (decision rule 6): each
// supported keyword accepts what it should and refuses what it should, and a keyword the validator
// does not know refuses the payload rather than letting it through unchecked.
import { describe, expect, it } from 'vitest'
import { admin } from '../support/db'

async function errors(schema: unknown, value: unknown): Promise<string[]> {
  const { rows } = await admin().query('select public.json_schema_errors($1::jsonb, $2::jsonb) as e', [
    JSON.stringify(schema),
    JSON.stringify(value),
  ])
  return rows[0].e
}

// [keyword, schema, a valid value, an invalid value]
const cases: [string, unknown, unknown, unknown][] = [
  ['type integer', { type: 'integer' }, 3, 3.5],
  ['type number', { type: 'number' }, 3.5, '3.5'],
  ['type string', { type: 'string' }, 'a', 1],
  ['type boolean', { type: 'boolean' }, false, 'false'],
  ['type object', { type: 'object' }, {}, []],
  ['type array', { type: 'array' }, [], {}],
  ['type null', { type: 'null' }, null, 0],
  ['type list', { type: ['string', 'null'] }, null, 1],
  ['enum', { enum: ['EUR', 'USD'] }, 'EUR', 'GBP'],
  ['const', { const: 'refund' }, 'refund', 'payout'],
  ['required', { type: 'object', required: ['amount'] }, { amount: 1 }, { note: 'x' }],
  ['properties', { properties: { amount: { type: 'number' } } }, { amount: 1 }, { amount: 'one' }],
  ['additionalProperties false', { properties: { a: {} }, additionalProperties: false }, { a: 1 }, { a: 1, b: 2 }],
  ['additionalProperties schema', { additionalProperties: { type: 'string' } }, { x: 'y' }, { x: 1 }],
  ['minProperties', { minProperties: 1 }, { a: 1 }, {}],
  ['maxProperties', { maxProperties: 1 }, { a: 1 }, { a: 1, b: 2 }],
  ['items', { items: { type: 'integer' } }, [1, 2], [1, 'two']],
  ['minItems', { minItems: 1 }, [1], []],
  ['maxItems', { maxItems: 1 }, [1], [1, 2]],
  ['uniqueItems', { uniqueItems: true }, [1, 2], [1, 1]],
  ['minimum', { minimum: 0 }, 0, -0.01],
  ['maximum', { maximum: 100 }, 100, 100.01],
  ['exclusiveMinimum', { exclusiveMinimum: 0 }, 0.01, 0],
  ['exclusiveMaximum', { exclusiveMaximum: 10 }, 9.99, 10],
  ['multipleOf', { multipleOf: 0.01 }, 12.34, 12.345],
  ['minLength', { minLength: 2 }, 'ab', 'a'],
  ['maxLength (characters, not bytes)', { maxLength: 3 }, 'äöü', 'abcd'],
  ['pattern', { pattern: '^[A-Z]{3}$' }, 'EUR', 'eur'],
  ['allOf', { allOf: [{ type: 'number' }, { minimum: 1 }] }, 2, 0],
]

describe('json_schema_errors', () => {
  it.each(cases)('%s: accepts the valid value and names the invalid one', async (_name, schema, valid, invalid) => {
    expect(await errors(schema, valid)).toEqual([])
    const found = await errors(schema, invalid)
    expect(found.length).toBeGreaterThan(0)
    expect(found[0]).toMatch(/^\$/)
  })

  it('reports every problem with its path, nested objects and array items included', async () => {
    const schema = {
      type: 'object',
      required: ['lines'],
      properties: {
        lines: { type: 'array', items: { type: 'object', required: ['account'], properties: { amount: { type: 'number' } } } },
      },
    }
    const found = await errors(schema, { lines: [{ account: '4000', amount: 1 }, { amount: 'x' }] })
    expect(found.sort()).toEqual(['$.lines[1].account: is required', '$.lines[1].amount: expected number, got string'])
  })

  it('ignores annotations but refuses keywords it cannot check', async () => {
    expect(await errors({ title: 'Refund', description: 'd', format: 'email', default: 1, examples: [] }, 'x')).toEqual([])
    for (const schema of [{ anyOf: [{ type: 'string' }] }, { $ref: '#/defs/x' }, { oneOf: [] }, { not: {} }]) {
      expect(await errors(schema, 'x')).toEqual([expect.stringMatching(/not supported/)])
    }
    expect(await errors({ pattern: '(' }, 'x')).toEqual([expect.stringMatching(/not a regex/)])
  })

  it('treats a missing or empty schema as accepting anything, and false as accepting nothing', async () => {
    expect(await errors(null, { any: 'thing' })).toEqual([])
    expect(await errors({}, [1, 'two'])).toEqual([])
    expect(await errors(false, 1)).toHaveLength(1)
  })
})
