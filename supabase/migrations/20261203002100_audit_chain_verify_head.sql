-- verify_audit_chain compares the chain with its head (issue 11, item 5). A hash chain alone cannot
-- see its newest entries deleted: what is left still links up. audit_chain_heads remembers the
-- last entry and its hash, so a chain that ends before its head, or whose last entry is not the
-- head's, is named as such. And a tenant whose log the caller cannot read is refused: answering
-- "intact" (null) for a chain one cannot see would vouch for entries nobody checked.

create or replace function public.verify_audit_chain(p_tenant uuid) returns jsonb
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  v_break jsonb;
  v_head_id bigint;
  v_head_hash text;
  v_last_id bigint;
  v_last_hash text;
begin
  -- Reviewers (anon, authenticated) verify only what they may read; the service and the database
  -- owner see every chain.
  if current_user in ('anon', 'authenticated')
     and not (p_tenant = any (public.readable_tenant_ids('audit:read'))) then
    raise exception 'This audit log is not visible to you.'
      using errcode = '42501', detail = 'No such tenant, or no audit:read permission in it.';
  end if;

  -- The first entry that does not verify: {id, expected, actual, reason} as before.
  select case
           when c.prev_hash is distinct from c.chain_prev then
             jsonb_build_object('id', c.id, 'expected', c.chain_prev, 'actual', c.prev_hash, 'reason', 'prev_hash')
           else
             jsonb_build_object('id', c.id, 'expected', c.recomputed, 'actual', c.integrity_hash, 'reason', 'integrity_hash')
         end
    into v_break
  from (
    select a.id, a.prev_hash, a.integrity_hash,
           lag(a.integrity_hash, 1, public.audit_genesis_hash()) over (order by a.id) as chain_prev,
           public.audit_entry_hash(a.prev_hash, a) as recomputed
    from public.audit_log a
    where a.tenant_id = p_tenant
  ) c
  where c.prev_hash is distinct from c.chain_prev or c.integrity_hash is distinct from c.recomputed
  order by c.id
  limit 1;
  if v_break is not null then
    return v_break;
  end if;

  select h.last_id, h.last_hash into v_head_id, v_head_hash from public.audit_chain_heads h where h.tenant_id = p_tenant;
  select a.id, a.integrity_hash into v_last_id, v_last_hash
  from public.audit_log a where a.tenant_id = p_tenant order by a.id desc limit 1;

  -- The chain ends before its head: the newest entries were deleted. `id` is the head's entry (the
  -- newest one missing), `last_present` the entry the chain now ends with (null: none left).
  if v_head_id is not null and v_head_id > coalesce(v_last_id, 0) then
    return jsonb_build_object('id', v_head_id, 'expected', v_head_hash, 'actual', v_last_hash,
                              'reason', 'tail_deleted', 'last_present', v_last_id);
  end if;
  -- Entries without a head, or a last entry that is not the head's: the chain and its head were
  -- changed apart from each other.
  if v_last_id is not null and (v_head_id is distinct from v_last_id or v_head_hash is distinct from v_last_hash) then
    return jsonb_build_object('id', v_last_id, 'expected', v_head_hash, 'actual', v_last_hash,
                              'reason', 'head_mismatch', 'last_present', v_last_id);
  end if;
  return null;
end
$$;
revoke all on function public.verify_audit_chain(uuid) from public, anon;
grant execute on function public.verify_audit_chain(uuid) to authenticated, service_role;
