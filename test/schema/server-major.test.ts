// The suites run on every PostgreSQL major hosted Supabase runs (npm run test:pg-majors): this
// proves the stack under test is the major the run asked for, so a green run on "15" is one on 15.
import { expect, it } from 'vitest'
import { pgMajorFromEnv } from '../../src/stack/database'
import { admin } from '../support/db'

it('the stack runs the PostgreSQL major this test run asked for', async () => {
  const { rows } = await admin().query<{ v: string }>(`select current_setting('server_version_num') as v`)
  expect(Math.floor(Number(rows[0]!.v) / 10_000)).toBe(pgMajorFromEnv())
})
