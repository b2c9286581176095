// The Agents view's state: the agents in the tenant scope, the one in focus and its detail (trust
// and spend day by day over the chosen range, recent requests), re-read when the replica changes.
import { create } from 'zustand'
import type { z } from 'zod'
import type { AgentDetail, AgentListItem } from '../../../shared/contract-domain'
import { call, errorMessage } from '../state/api'
import { go, useRouter } from '../state/router-store'
import { scopeArgs } from '../state/tenant-scope'
import { setFilter } from '../inbox/inbox-store'

export type Agent = z.infer<typeof AgentListItem>
export const RANGES = [7, 30, 90] as const
export type Range = (typeof RANGES)[number]
const RECENT_REQUESTS = 20

interface AgentsState {
  agents: Agent[]
  loaded: boolean
  error: string | null
  selectedId: string | null
  detail: AgentDetail | null
  detailError: string | null
  range: Range
  /** The tool policy editor is open (for the focused agent's tenant). */
  policyEditorOpen: boolean
}

export const useAgents = create<AgentsState>(() => ({
  agents: [],
  loaded: false,
  error: null,
  selectedId: null,
  detail: null,
  detailError: null,
  range: 30,
  policyEditorOpen: false,
}))

const get = useAgents.getState
const set = useAgents.setState

// Answers can overtake each other (a quick j through the list): only the latest request lands.
let listSeq = 0
let detailSeq = 0

export async function loadAgents(): Promise<void> {
  const seq = ++listSeq
  try {
    const agents = await call('agents.list', scopeArgs())
    if (seq !== listSeq) return
    const { selectedId } = get()
    // An agent another view sent the reviewer to stays in focus even outside the tenant scope.
    const keep =
      selectedId !== null &&
      (agents.some((a) => a.agent.id === selectedId) || useRouter.getState().params['agentId'] === selectedId)
    set({ agents, loaded: true, error: null })
    if (!keep) selectAgent(agents[0]?.agent.id ?? null)
    else void loadDetail()
  } catch (err) {
    if (seq === listSeq) set({ loaded: true, error: errorMessage(err) })
  }
}

export function selectAgent(id: string | null): void {
  if (id === get().selectedId && get().detail?.item.agent.id === id) return
  set({ selectedId: id, detailError: null })
  void loadDetail()
}

export async function loadDetail(): Promise<void> {
  const { selectedId, range } = get()
  const seq = ++detailSeq
  if (!selectedId) {
    set({ detail: null })
    return
  }
  try {
    const detail = await call('agents.detail', {
      agentId: selectedId,
      days: range,
      requests: RECENT_REQUESTS,
    })
    if (seq === detailSeq) set({ detail, detailError: null })
  } catch (err) {
    if (seq === detailSeq) set({ detail: null, detailError: errorMessage(err) })
  }
}

/** 7 → 30 → 90 → 7 days. */
export function cycleRange(): Range {
  const i = RANGES.indexOf(get().range)
  const range = RANGES[(i + 1) % RANGES.length] ?? 30
  setRange(range)
  return range
}

export function setRange(range: Range): void {
  if (range === get().range) return
  set({ range })
  void loadDetail()
}

/** The inbox, filtered to what this agent is waiting for. */
export function showPendingRequests(agentId: string): void {
  go('inbox')
  setFilter({ agentId })
}

export function openPolicyEditor(): void {
  set({ policyEditorOpen: true })
}

export function closePolicyEditor(): void {
  set({ policyEditorOpen: false })
}
