-- Completing a batch of envelopes in one call and one transaction: a worker that ran a claimed
-- batch reports its successes together, instead of one round trip and one commit per action.
-- Same rule per envelope as executor_complete (only the current claim may report).
-- p_items: [{outbox_id, claim_token, result}]; returns how many were completed.
create or replace function public.executor_complete_batch(p_items jsonb)
returns int
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_item jsonb;
  v_done int := 0;
begin
  if jsonb_typeof(p_items) is distinct from 'array' or jsonb_array_length(p_items) > 500 then
    raise exception 'p_items must be an array of at most 500 outcomes' using errcode = '22023';
  end if;
  -- In outbox id order, so two workers' batches lock rows in the same order.
  for v_item in select i from jsonb_array_elements(p_items) i order by i ->> 'outbox_id' loop
    if public.executor_complete((v_item ->> 'outbox_id')::uuid, (v_item ->> 'claim_token')::uuid, v_item -> 'result') then
      v_done := v_done + 1;
    end if;
  end loop;
  return v_done;
end
$$;
revoke all on function public.executor_complete_batch(jsonb) from public, anon, authenticated, service_role;
grant execute on function public.executor_complete_batch(jsonb) to outbox_executor;
