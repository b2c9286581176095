// The Agents view's commands. app/views.tsx registers them and enables them only while this view is on screen.
import type { Command } from '../keyboard/registry'
import { announce } from '../ui/announce'
import { cycleRange, showPendingRequests, useAgents } from './agents-store'

const selected = () => useAgents.getState().selectedId

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
    id: 'agents.range',
    title: 'Agent charts: 7, 30 or 90 days',
    section: 'Review',
    keys: ['t'],
    run: () => announce(`Charts show the last ${cycleRange()} days`),
  },
]
