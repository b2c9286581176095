// The whole loop once, as people and agents live it: a demo agent proposes a refund through the
// SDK, a reviewer finds it in the inbox (with its origin: agent, route, idempotency key), edits the
// amount and approves it from the keyboard, and the agent's decision() resolves with the edited args.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_PROFILES } from '../../scripts/agents'
import { addAgentTools, newAgent, type TestAgent } from '../agents/support'
import { chromiumUnavailable, startConsoleRig, type ConsoleRig, type HarnessShell } from './harness'
import { goToApproval, screenshot, waitForInbox, withSignedIn } from './helpers/console'
import { createWorkspace, type Workspace } from './helpers/workspace'

const skip = chromiumUnavailable()

describe.skipIf(skip)('an agent asks, a reviewer decides from the keyboard, the agent hears', () => {
  let rig: ConsoleRig
  let shell: HarnessShell
  let ws: Workspace
  let agent: TestAgent

  beforeAll(async () => {
    ws = await createWorkspace('agentloop')
    await addAgentTools(ws.tenant.id)
    const refundDesk = DEMO_PROFILES.find((p) => p.name.startsWith('Refund Desk'))!
    agent = await newAgent(ws.tenant.id, { name: refundDesk.name })
    rig = await startConsoleRig()
    shell = await rig.shell()
  })

  afterAll(async () => {
    await agent?.client.close()
    await rig?.close()
  })

  it('resolves the agent’s decision() with the arguments the reviewer edited', async () => {
    const refundDesk = DEMO_PROFILES.find((p) => p.name.startsWith('Refund Desk'))!
    // The demo agent's own proposal (a small refund: the first of its sizes).
    const proposal = { ...refundDesk.propose(() => 0.1), idempotencyKey: `e2e-${crypto.randomUUID()}` }
    const handle = await agent.client.requestApproval(proposal)
    expect(handle.view).toMatchObject({ state: 'pending', route: 'required' })
    const decision = handle.decision({ timeoutMs: 60_000 })
    void decision.catch(() => undefined) // a failure before it is awaited must not also surface as unhandled
    const asked = proposal.args as { amount: number }
    const edited = asked.amount - 100

    await withSignedIn(rig.browser, shell.url, ws.reviewer.email, { holdSeconds: 1 }, async (page) => {
      await waitForInbox(page, 1)
      await goToApproval(page, handle.approvalId)
      const origin = page.getByTestId('request-origin')
      await expect.poll(() => origin.innerText()).toContain(refundDesk.name)
      expect(await origin.innerText()).toContain(proposal.idempotencyKey)

      await screenshot(page, 'agent-loop-origin')
      await page.keyboard.press('e')
      const dialog = page.getByRole('dialog', { name: 'Approve with edits' })
      const amount = dialog.getByLabel('Amount')
      await amount.waitFor()
      await amount.focus()
      await page.keyboard.press('Control+a')
      await page.keyboard.type(String(edited))
      await page.keyboard.press('Control+Enter')
      await dialog.waitFor({ state: 'detached' })
      // The agent hears while the console is still open (the decision leaves its queue after the hold).
      const d = await decision
      expect(d).toMatchObject({ outcome: 'approved', edited: true, args: { ...proposal.args, amount: edited } })
    })
  }, 180_000)
})
