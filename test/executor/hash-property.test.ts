// Property: whatever change is made to an approved action's arguments after the decision — a
// value, a key added or removed, a nested edit — the executor never hands it out; it is
// dead-lettered. And arguments equal to the approved ones (in any key order) always go out.
import fc from 'fast-check'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { canonicalJson } from '../../src/shared/audit-chain'
import { admin } from '../support/db'
import { approveActions, createRig, refundArgs, type Rig } from './support'

let rig: Rig
beforeAll(async () => {
  rig = await createRig()
})
afterAll(async () => {
  await admin().end()
})

/** One claim round as the executor role, for the rig's tenant: the envelope ids it was handed. */
async function claimRound(): Promise<string[]> {
  const c = await admin().connect()
  try {
    await c.query('begin')
    await c.query('set local role outbox_executor')
    const { rows } = await c.query(`select public.executor_claim('property', 50, 60, 5, $1::uuid[]) as claim`, [[rig.tenantId]])
    await c.query('commit')
    return rows.map((r) => r.claim.outbox_id as string)
  } catch (err) {
    await c.query('rollback')
    throw err
  } finally {
    c.release()
  }
}

// Any JSON PostgreSQL can store (jsonb refuses the NUL character in strings).
const storable = fc.jsonValue().filter((v) => !JSON.stringify(v).includes('\\u0000'))

const tamper = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), key: fc.constantFrom('amount', 'charge', 'currency', 'reason', 'extra'), value: storable }),
  fc.record({ kind: fc.constant('drop' as const), key: fc.constantFrom('amount', 'charge', 'currency', 'reason', 'metadata') }),
  fc.record({ kind: fc.constant('nested' as const), value: storable }),
)

it('dead-letters every post-approval change to the arguments and hands out every unchanged one', async () => {
  let n = 1000
  await fc.assert(
    fc.asyncProperty(tamper, fc.boolean(), async (change, reorder) => {
      const approvedArgs = refundArgs(n++)
      const changed: Record<string, unknown> = structuredClone(approvedArgs)
      if (change.kind === 'set') changed[change.key] = change.value
      else if (change.kind === 'drop') delete changed[change.key]
      else changed.metadata = { ...(changed.metadata as object), order_number: change.value }
      const unchanged = canonicalJson(changed) === canonicalJson(approvedArgs)
      // Key order never matters: the hash is over canonical JSON.
      const stored = reorder ? Object.fromEntries(Object.entries(changed).reverse()) : changed

      const [a] = await approveActions(rig, [approvedArgs])
      await admin().query(`update public.actions set args = $2 where id = $1`, [a!.actionId, JSON.stringify(stored)])
      const handedOut = await claimRound()
      const { rows } = await admin().query(`select status from public.outbox where id = $1`, [a!.outboxId])
      if (unchanged) {
        expect(handedOut).toContain(a!.outboxId)
        expect(rows[0].status).toBe('sending')
      } else {
        expect(handedOut).not.toContain(a!.outboxId)
        expect(rows[0].status).toBe('dead')
      }
    }),
    { numRuns: 40 },
  )
})
