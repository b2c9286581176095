// Approve with edits on a nested payload (issue 15): a HubSpot deal's fields sit under
// `properties`; the form offers them by name ("Properties · Amount"), says what is wrong in plain
// words (never a pattern), and approves exactly the edited nested value.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createToolCallApproval } from '../support/fixtures'
import { chromiumUnavailable, startConsoleRig, type ConsoleRig, type HarnessShell } from './harness'
import { openConsole, queuedIntents, setHoldSeconds, signIn, until, waitForInbox } from './helpers/console'
import { createWorkspace, type Workspace } from './helpers/workspace'

const skip = chromiumUnavailable()

const DEAL_SCHEMA = {
  type: 'object',
  required: ['deal_id', 'properties'],
  additionalProperties: false,
  properties: {
    deal_id: { type: 'string', minLength: 1 },
    properties: {
      type: 'object',
      required: ['dealname', 'amount'],
      additionalProperties: false,
      properties: {
        dealname: { type: 'string', minLength: 1 },
        amount: { type: 'number', minimum: 0 },
        closedate: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' },
      },
    },
  },
}

describe.skipIf(skip)('approve with edits on a nested payload', () => {
  let rig: ConsoleRig
  let shell: HarnessShell
  let ws: Workspace
  const args = { deal_id: 'D-1042', properties: { dealname: 'Acme renewal', amount: 1200, closedate: '2026-12-31' } }

  beforeAll(async () => {
    ws = await createWorkspace('edit-nested')
    await createToolCallApproval(ws.tenant.id, { jsonSchema: DEAL_SCHEMA, args, title: 'Update the Acme deal', amount: null, riskLevel: 2 })
    rig = await startConsoleRig()
    shell = await rig.shell()
  })

  afterAll(async () => {
    await rig?.close()
  })

  it('offers the nested fields by name, explains a bad value in words, and approves the edited nested value', async () => {
    const { context, page } = await openConsole(rig.browser, shell.url)
    try {
      await signIn(page, ws.reviewer.email, undefined, 90_000)
      // Held long enough to be read back from the queue before it is sent.
      await setHoldSeconds(page, 60)
      await waitForInbox(page, 1)
      await page.getByTestId('inbox-list').focus()
      await page.keyboard.press('e')
      const dialog = page.getByRole('dialog', { name: 'Approve with edits' })
      const amount = dialog.getByLabel('Properties · Amount')
      await amount.waitFor()
      expect(await dialog.getByLabel('Properties · Dealname').inputValue()).toBe('Acme renewal')

      await amount.fill('-5')
      await dialog.getByLabel('Properties · Closedate').fill('end of year')
      const problems = dialog.getByRole('alert', { name: 'Schema problems' })
      await until(async () => (await problems.count()) > 0 && (await problems.innerText()).includes('Amount'), 'the problems listed')
      const said = await problems.innerText()
      expect(said).toContain('Properties · Amount: must be 0 or more')
      expect(said).toContain('Properties · Closedate: does not have the expected form')
      expect(said).not.toMatch(/\^|\\d|\{4\}/)

      await amount.fill('1500')
      await dialog.getByLabel('Properties · Closedate').fill('2027-01-31')
      await until(async () => (await problems.count()) === 0, 'the problems gone')
      await page.keyboard.press('Control+Enter')
      await dialog.waitFor({ state: 'detached' })
      const queued = await until(async () => (await queuedIntents(page)).map((i) => i.args).find((a) => a['decision'] === 'approve_with_edits'), 'the edit queued')
      expect(queued['edited_payload']).toEqual({ ...args, properties: { ...args.properties, amount: 1500, closedate: '2027-01-31' } })
    } finally {
      await context.close()
    }
  }, 240_000)
})
