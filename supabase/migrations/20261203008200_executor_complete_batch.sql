-- Completing a batch of envelopes in one call and one transaction: a worker that ran a claimed
-- batch reports its successes together, instead of one round trip and one commit per action.
-- Same rule per envelope as executor_complete (only the current claim may report); the audit
-- entries are appended together at the end.
-- p_items: [{outbox_id, claim_token, result}]; returns how many were completed.
create or replace function public.executor_complete_batch(p_items jsonb)
returns int
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_item jsonb;
  v_entry jsonb;
  v_audits jsonb[] := '{}';
begin
  if jsonb_typeof(p_items) is distinct from 'array' or jsonb_array_length(p_items) > 500 then
    raise exception 'p_items must be an array of at most 500 outcomes' using errcode = '22023';
  end if;
  -- In outbox id order, so two workers' batches lock rows in the same order.
  for v_item in select i from jsonb_array_elements(p_items) i order by i ->> 'outbox_id' loop
    v_entry := public.outbox_mark_sent((v_item ->> 'outbox_id')::uuid, (v_item ->> 'claim_token')::uuid, v_item -> 'result');
    if v_entry is not null then
      v_audits := v_audits || v_entry;
    end if;
  end loop;
  -- Appended last: the tenant's audit chain is locked only for the end of the transaction.
  foreach v_entry in array v_audits loop
    perform public.push_write_audit(v_entry);
  end loop;
  return cardinality(v_audits);
end
$$;
revoke all on function public.executor_complete_batch(jsonb) from public, anon, authenticated, service_role;
grant execute on function public.executor_complete_batch(jsonb) to outbox_executor;
