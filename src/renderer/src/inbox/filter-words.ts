// Inbox filters in words ("Refund, Payout · risk 4+ · over 10,000 · billing-bot"), for saved
// views and the palette: what a view or a typed filter will show, before it is applied.
import type { InboxFilter } from '../../../shared/contract-domain'
import { useTenants } from '../state/tenants-store'
import { kindLabel } from '../ui/format'
import { useInbox } from './inbox-store'

const amount = (n: number) => n.toLocaleString(undefined, { maximumFractionDigits: 2 })

export function describeFilter(f: Omit<InboxFilter, 'lane'>, agentName?: (id: string) => string | undefined): string {
  const parts: string[] = []
  if (f.kinds && f.kinds.length > 0) parts.push(f.kinds.map(kindLabel).join(', '))
  if (f.minRisk) parts.push(`risk ${f.minRisk}+`)
  if (f.currency) parts.push(`in ${f.currency}`)
  if (f.amountMin !== undefined && f.amountMax !== undefined) parts.push(`${amount(f.amountMin)} to ${amount(f.amountMax)}`)
  else if (f.amountMin !== undefined) parts.push(`${amount(f.amountMin)} or more`)
  else if (f.amountMax !== undefined) parts.push(`up to ${amount(f.amountMax)}`)
  if (f.agentId) parts.push(`agent ${agentName?.(f.agentId) ?? useInbox.getState().agentNames.get(f.agentId) ?? 'not in the list now'}`)
  if (f.tenantId) parts.push(useTenants.getState().byId.get(f.tenantId)?.name ?? 'one tenant')
  if (f.text) parts.push(`“${f.text}”`)
  return parts.length > 0 ? parts.join(' · ') : 'everything (no filter)'
}
