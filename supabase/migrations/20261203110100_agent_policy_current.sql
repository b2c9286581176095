-- The console's policy editor reads the policies of a tool from the server (tool_policies is not
-- replicated: a policy is edited online, beside its backtest, which needs the server anyway).
-- {tool_id, tenant: {policy, updated_at, updated_by} | null, agent: … | null, tool_default}:
-- the tenant's policy for the tool, the agent's override when p_agent_id names one, and the
-- policy the tool's own defaults make when neither exists (as agent_effective_policy builds it).
-- Reads as the caller: RLS on tools and tool_policies decides, so another tenant's tool is simply
-- not found. Editing still needs policies:manage, which push_intent_policy_set checks.
create or replace function public.agent_policy_current(p_tool_id uuid, p_agent_id uuid default null)
returns jsonb
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  v_tool public.tools;
  v_out jsonb;
begin
  select * into v_tool from public.tools where id = p_tool_id and deleted_at is null;
  if not found or public.current_agent_id() is not null then
    raise exception 'not_found' using errcode = 'OC400', detail = 'No such tool in a tenant you can see.';
  end if;
  select jsonb_build_object(
    'tool_id', v_tool.id,
    'tenant', (select jsonb_build_object('policy', p.policy, 'updated_at', p.updated_at, 'updated_by', p.updated_by)
               from public.tool_policies p
               where p.tool_id = v_tool.id and p.agent_id is null and p.deleted_at is null),
    'agent', (select jsonb_build_object('policy', p.policy, 'updated_at', p.updated_at, 'updated_by', p.updated_by)
              from public.tool_policies p
              where p.tool_id = v_tool.id and p.agent_id = p_agent_id and p.deleted_at is null),
    'tool_default', jsonb_build_object(
      'name', 'tool default',
      'approval', case v_tool.approval_default when 'auto' then 'auto' when 'never' then 'deny' else 'required' end))
  into v_out;
  return v_out;
end
$$;
revoke all on function public.agent_policy_current(uuid, uuid) from public, anon;
grant execute on function public.agent_policy_current(uuid, uuid) to authenticated;
