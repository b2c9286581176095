// The Agents view's commands. app/views.tsx registers them and enables them only while this view is on screen.
import { queueIntent } from '../state/intent-client'
import { holdSeconds } from '../state/settings-store'
import type { Command } from '../keyboard/registry'
import { announce } from '../ui/announce'
import { cycleRange, openPolicyEditor, showPendingRequests, useAgents } from './agents-store'

const selected = () => useAgents.getState().selectedId
const selectedAgent = () => useAgents.getState().agents.find((a) => a.agent.id === selected())?.agent

/**
 * Suspends the agent in focus (its proposals are refused from the moment the server applies it),
 * or resumes a suspended one. Queued like every reviewer write (z takes it back while held); the
 * server checks agents:manage.
 */
function toggleSuspended(): void {
  const agent = selectedAgent()
  if (!agent) return
  const kind = agent.status === 'suspended' ? 'agent.resume' : 'agent.suspend'
  queueIntent({
    verb: kind === 'agent.suspend' ? 'Suspension queued' : 'Resumption queued',
    subject: agent.name,
    holdMs: holdSeconds() * 1000,
    items: [{ id: agent.id, intent: () => ({ kind, args: { agent_id: agent.id } }) }],
  })
}

export const agentsCommands: Command[] = [
  {
    id: 'agents.pending',
    title: 'Show the agent’s pending requests in the inbox',
    section: 'Review',
    keys: ['p'],
    enabled: () => selected() !== null,
    run: () => {
      const id = selected()
      if (id) showPendingRequests(id)
    },
  },
  {
    id: 'agents.suspend',
    title: 'Suspend or resume the agent',
    section: 'Review',
    keys: ['shift+s'],
    enabled: () => selected() !== null,
    run: toggleSuspended,
  },
  {
    id: 'agents.policy',
    title: 'Edit a tool policy (with its backtest)…',
    section: 'Review',
    keys: ['shift+p'],
    enabled: () => selectedAgent() !== undefined,
    run: openPolicyEditor,
  },
  {
    id: 'agents.range',
    title: 'Agent charts: 7, 30 or 90 days',
    section: 'Review',
    keys: ['t'],
    run: () => announce(`Charts show the last ${cycleRange()} days`),
  },
]
