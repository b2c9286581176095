-- The tools catalog as the signed-in agent's tenant holds it, for the MCP approval gateway (issue
-- 13): which upstream tools exist here at all (others are refused) and which may write (those go
-- through agent_propose and a reviewer; the rest pass straight through). An agent reads no table of
-- the catalog directly; anyone who is not an agent gets an empty list.
create or replace function public.agent_tools() returns jsonb
language sql
stable
security definer
set search_path = ''
as $$
  select coalesce(jsonb_agg(jsonb_build_object(
           'app', t.app, 'key', t.tool_key, 'write_allowed', t.write_allowed, 'description', t.description)
         order by t.app, t.tool_key), '[]'::jsonb)
  from public.tools t
  join public.agents a on a.tenant_id = t.tenant_id
  where a.id = public.current_agent_id() and t.deleted_at is null
$$;
revoke all on function public.agent_tools() from public, anon;
grant execute on function public.agent_tools() to authenticated;
