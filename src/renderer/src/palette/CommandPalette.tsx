// The command palette (Ctrl/⌘+K): every enabled command of the keymap registry, searchable, with
// its keys beside it — and the inbox behind it: words that name filters ("refunds > 10k", "payouts
// risk 4+", "agent billing-bot") offer to apply them, and the requests whose title, counterparty or
// amount match are offered to jump to (the core searches the replica). Choosing closes the palette
// first, then acts.
import { Command, defaultFilter } from 'cmdk'
import { useEffect, useMemo, useState } from 'react'
import type { ApprovalListItem, InboxFilter } from '../../../shared/contract-domain'
import { call } from '../state/api'
import { closeOverlay } from '../state/overlay-store'
import { go } from '../state/router-store'
import { scopeArgs } from '../state/tenant-scope'
import { describeFilter } from '../inbox/filter-words'
import { focusApproval, rememberAgent, setFilter, useInbox } from '../inbox/inbox-store'
import { isEnabled, runCommand, SECTIONS, useCommands } from '../keyboard/registry'
import { Dialog } from '../ui/Dialog'
import { Keys } from '../ui/Kbd'
import { formatMoney, kindLabel } from '../ui/format'
import { namesAFilter, parseFilterQuery, type FilterQuery } from './filter-query'
import './palette.css'

const FIND_LIMIT = 8
const FIND_DELAY_MS = 80

type TypedFilter = Omit<InboxFilter, 'lane' | 'tenantId'>

interface Agent {
  id: string
  name: string
}

/** Agents by the names a reviewer types: "Billing Bot", "billing-bot", "billing_bot". */
const agentKey = (name: string) => name.toLowerCase().replace(/[\s_-]+/g, '-')

/** The typed words as inbox filters; an agent nobody is called goes back into the text. */
function toFilter(q: FilterQuery, agents: ReadonlyMap<string, Agent>): TypedFilter {
  const agent = q.agent ? agents.get(agentKey(q.agent)) : undefined
  const agentId = agent?.id
  const text = [q.agent && !agentId ? q.agent : null, q.text].filter(Boolean).join(' ') || undefined
  return { kinds: q.kinds, minRisk: q.minRisk, amountMin: q.amountMin, amountMax: q.amountMax, currency: q.currency, agentId, text }
}

function applyTyped(filter: TypedFilter, agents: ReadonlyMap<string, Agent>): void {
  go('inbox')
  // The agent filter's menu lists agents seen in the inbox; one found by name joins them.
  for (const a of agents.values()) if (a.id === filter.agentId) rememberAgent(a.id, a.name)
  // Every typed-filter field is replaced (what was not typed is cleared); the tenant and lane stay.
  setFilter({ kinds: undefined, minRisk: undefined, amountMin: undefined, amountMax: undefined, currency: undefined, agentId: undefined, text: undefined, ...filter })
}

function useAgents(): ReadonlyMap<string, Agent> {
  const seen = useInbox((s) => s.agentNames)
  const [listed, setListed] = useState<readonly Agent[]>([])
  useEffect(() => {
    let live = true
    call('agents.list', scopeArgs()).then(
      (agents) => live && setListed(agents.map((a) => a.agent)),
      () => {}, // the agents seen in the inbox still resolve
    )
    return () => {
      live = false
    }
  }, [])
  return useMemo(() => {
    const byKey = new Map<string, Agent>()
    for (const [id, name] of seen) byKey.set(agentKey(name), { id, name })
    for (const a of listed) byKey.set(agentKey(a.name), a)
    return byKey
  }, [seen, listed])
}

/** The requests matching the typed words, read by the core a moment after typing stops. */
function useFound(search: string): ApprovalListItem[] {
  const [found, setFound] = useState<{ query: string; items: ApprovalListItem[] }>({ query: '', items: [] })
  const query = search.trim()
  useEffect(() => {
    if (query.length < 2) return
    let live = true
    const t = setTimeout(() => {
      call('inbox.find', { query, limit: FIND_LIMIT }).then(
        (items) => live && setFound({ query, items }),
        () => live && setFound({ query, items: [] }),
      )
    }, FIND_DELAY_MS)
    return () => {
      live = false
      clearTimeout(t)
    }
  }, [query])
  return found.query === query ? found.items : []
}

export function CommandPalette() {
  const [search, setSearch] = useState('')
  const commands = useCommands().filter((c) => c.palette !== false && c.id !== 'palette.open' && isEnabled(c))
  const agents = useAgents()
  const found = useFound(search)
  const parsed = useMemo(() => parseFilterQuery(search), [search])
  const typed = useMemo(() => toFilter(parsed, agents), [parsed, agents])
  const query = search.trim()

  const close = (then: () => void) => {
    closeOverlay()
    // After the palette has handed the focus back, so a command that opens a dialog gets it next.
    queueMicrotask(then)
  }
  const choose = (id: string) => close(() => runCommand(id, { source: 'palette' }))
  const jump = (item: ApprovalListItem) =>
    close(() => {
      go('inbox')
      focusApproval(item.id)
    })

  const scored = commands
    .map((c) => ({ c, score: query ? defaultFilter(`${c.title} ${c.id}`, query) : 1 }))
    .filter((x) => x.score > 0)
    .sort((a, b) => b.score - a.score)
  // The first item is the one Enter runs: the section holding the best match comes first, so a
  // loose match in an earlier section ("Reassign…" for "sign out") never sits above the exact one.
  const best = (section: string) => scored.find((x) => x.c.section === section)?.score ?? 0
  const sections = query ? [...SECTIONS].sort((a, b) => best(b) - best(a)) : SECTIONS

  return (
    <Dialog title="Command palette" hideTitle onClose={closeOverlay} className="palette">
      <Command label="Commands, requests and filters" loop shouldFilter={false}>
        <Command.Input placeholder="A command, a request, or filters: refunds > 10k" data-autofocus value={search} onValueChange={setSearch} />
        <Command.List>
          <Command.Empty>Nothing matches.</Command.Empty>
          {query && namesAFilter(parsed) && (
            <Command.Group heading="Filter the inbox">
              <Command.Item value="filter.apply" onSelect={() => close(() => applyTyped(typed, agents))} data-palette-filter>
                <span className="palette-title">Show {describeFilter(typed, (id) => [...agents.values()].find((a) => a.id === id)?.name)}</span>
                <Keys binding="enter" />
              </Command.Item>
            </Command.Group>
          )}
          {sections.map((section) => {
            const inSection = scored.filter((x) => x.c.section === section)
            if (inSection.length === 0) return null
            return (
              <Command.Group key={section} heading={section}>
                {inSection.map(({ c }) => (
                  <Command.Item key={c.id} value={`command ${c.id}`} onSelect={() => choose(c.id)} data-command-id={c.id}>
                    <span className="palette-title">{c.title}</span>
                    {c.keys[0] && <Keys binding={c.keys[0]} />}
                  </Command.Item>
                ))}
              </Command.Group>
            )
          })}
          {found.length > 0 && (
            <Command.Group heading="Requests">
              {found.map((item) => (
                <Command.Item key={item.id} value={`request ${item.id}`} onSelect={() => jump(item)} data-approval-id={item.id}>
                  <span className="palette-title">
                    {item.title}
                    <span className="muted">
                      {' '}
                      · {kindLabel(item.kind)}
                      {item.counterparty && ` · ${item.counterparty}`}
                    </span>
                  </span>
                  {item.amount !== null && <span className="palette-amount">{formatMoney(item.amount, item.currency)}</span>}
                </Command.Item>
              ))}
            </Command.Group>
          )}
          {query && !namesAFilter(parsed) && (
            <Command.Group heading="Search">
              <Command.Item value="filter.text" onSelect={() => close(() => applyTyped(typed, agents))}>
                <span className="palette-title">Search the inbox for “{query}”</span>
              </Command.Item>
            </Command.Group>
          )}
        </Command.List>
      </Command>
    </Dialog>
  )
}
