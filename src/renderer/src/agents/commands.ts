// The Agents view's commands. app/views.tsx registers them and enables them only while this view is on screen.
import { call, errorMessage } from '../state/api'
import type { Command } from '../keyboard/registry'
import { announce } from '../ui/announce'
import { showToast } from '../state/toast-store'
import { cycleRange, showPendingRequests, useAgents } from './agents-store'

const selected = () => useAgents.getState().selectedId
const selectedAgent = () => useAgents.getState().agents.find((a) => a.agent.id === selected())?.agent

/**
 * Suspends the agent in focus (its proposals are refused from the moment the server applies it),
 * or resumes a suspended one. Queued like every reviewer write; the server checks agents:manage.
 */
async function toggleSuspended(): Promise<void> {
  const agent = selectedAgent()
  if (!agent) return
  const kind = agent.status === 'suspended' ? 'agent.resume' : 'agent.suspend'
  try {
    await call('intents.create', { kind, args: { agent_id: agent.id } })
    showToast({ tone: 'success', message: `${kind === 'agent.suspend' ? 'Suspension' : 'Resumption'} of ${agent.name} queued`, ms: 3000 })
  } catch (err) {
    showToast({ tone: 'error', message: `Not queued: ${errorMessage(err)}`, ms: 7000 })
  }
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
    run: () => void toggleSuspended(),
  },
  {
    id: 'agents.range',
    title: 'Agent charts: 7, 30 or 90 days',
    section: 'Review',
    keys: ['t'],
    run: () => announce(`Charts show the last ${cycleRange()} days`),
  },
]
