-- Agents wake on Realtime (issue 12 item 4, issue 14 item 3): an agent joins its own tenant's
-- private poke topic, as a console does, and looks at its open requests when the tenant changes.
-- A poke carries no row data ("tenant T changed" and a transaction id), so hearing it tells the
-- agent nothing its RLS would hide. The agent's tenant is the one its credential is bound to
-- (current_agent_id() checks the JWT's app_metadata against the stored binding), so no agent can
-- join another tenant's topic, and a revoked credential joins none.
create or replace function public.may_join_sync_topic(p_topic text) returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select p_topic = 'user:' || auth.uid()::text
      or p_topic = any (select 'tenant:' || v.id::text from unnest(public.visible_tenant_ids()) as v(id))
      or p_topic = (select 'tenant:' || a.tenant_id::text
                    from public.agents a
                    where a.id = public.current_agent_id() and a.deleted_at is null)
$$;
revoke all on function public.may_join_sync_topic(text) from public, anon;
grant execute on function public.may_join_sync_topic(text) to authenticated;
