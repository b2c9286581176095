-- Requests nobody decided in time become `expired` on the server, not only in the eyes of whoever
-- next looks (agent_request_view and the console already read an open request past expires_at as
-- expired; sync_push marks one when a late decision is refused). Run periodically by the executor's
-- process and the dev stack (pg_cron is not assumed). Each approval is marked by
-- push_expire_approval: approval status and action approval_state, one audit entry, and only while
-- it is still open — so a sweep racing a decision or another sweep marks it once or not at all.
-- p_tenant_ids limits it to some tenants (an executor serving only those; null: all).
create or replace function public.expire_due_approvals(p_limit int default 500, p_tenant_ids uuid[] default null)
returns int
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_id uuid;
  v_done int := 0;
begin
  for v_id in
    select a.id from public.approvals a
    where a.status in ('pending', 'escalated') and a.expires_at <= now() and a.deleted_at is null
      and (p_tenant_ids is null or a.tenant_id = any (p_tenant_ids))
    order by a.expires_at
    limit least(greatest(coalesce(p_limit, 500), 1), 5000)
    -- Rows a decision or another sweep holds are left to the next run.
    for update skip locked
  loop
    perform public.push_expire_approval(v_id);
    v_done := v_done + 1;
  end loop;
  return v_done;
end
$$;
revoke all on function public.expire_due_approvals(int, uuid[]) from public, anon, authenticated;
grant execute on function public.expire_due_approvals(int, uuid[]) to service_role, outbox_executor;
