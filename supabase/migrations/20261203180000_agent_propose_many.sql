-- An agent that has several requests to file (a batch job: refunds for the day's duplicates) files
-- them in one call (issue 12, intake throughput). Each request is judged exactly as agent_propose
-- judges a single call — it is agent_propose, called once per request, in the order given — and
-- gets its own answer: accepted, replayed (its idempotency key was seen) or refused with its code.
-- What a batch saves is the per-call cost around the intake: one HTTP request, one transaction and
-- its settings, one Realtime poke for the lot (the single call's client, gateway and transaction
-- were about half of a proposal's CPU).
--
-- p_requests: a list of 1 to 100 objects {tool, args, external_id, task_id?, title?, summary?,
-- kind?, risk?} (agent_propose's arguments without their p_ prefix). Answers: a list, one per
-- request and in order; or, when the list itself is not acceptable, one refusal (invalid_input)
-- and nothing filed. A request whose fields have the wrong JSON types is refused alone
-- (invalid_input), as agent_propose refuses a malformed call. The batch is one transaction: an
-- unexpected error files none of it, and a retry with the same keys files each request once.
create or replace function public.agent_propose_many(p_requests jsonb)
returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_request jsonb;
  v_answers jsonb := '[]'::jsonb;
  v_uuid constant text := '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
begin
  if jsonb_typeof(p_requests) is distinct from 'array' or jsonb_array_length(p_requests) not between 1 and 100 then
    return public.agent_refusal('invalid_input', 'requests must be a list of 1 to 100 proposals');
  end if;
  for v_request in select r from jsonb_array_elements(p_requests) r loop
    if jsonb_typeof(v_request) is distinct from 'object'
       or jsonb_typeof(v_request -> 'external_id') is distinct from 'string'
       or coalesce(jsonb_typeof(v_request -> 'task_id'), 'null') not in ('null', 'string')
       or (jsonb_typeof(v_request -> 'task_id') = 'string' and (v_request ->> 'task_id') !~ v_uuid)
       or coalesce(jsonb_typeof(v_request -> 'title'), 'null') not in ('null', 'string')
       or coalesce(jsonb_typeof(v_request -> 'summary'), 'null') not in ('null', 'string')
       or coalesce(jsonb_typeof(v_request -> 'kind'), 'null') not in ('null', 'string')
       or coalesce(jsonb_typeof(v_request -> 'risk'), 'null') not in ('null', 'number')
       or (jsonb_typeof(v_request -> 'risk') = 'number' and (v_request ->> 'risk') !~ '^-?[0-9]{1,9}$') then
      v_answers := v_answers || jsonb_build_array(public.agent_refusal('invalid_input',
        'each request is {tool, args, external_id, task_id?, title?, summary?, kind?, risk?} with external_id a string, task_id a uuid and risk a whole number'));
      continue;
    end if;
    v_answers := v_answers || jsonb_build_array(public.agent_propose(
      v_request -> 'tool', v_request -> 'args', v_request ->> 'external_id',
      (v_request ->> 'task_id')::uuid, v_request ->> 'title', v_request ->> 'summary',
      v_request ->> 'kind', (v_request ->> 'risk')::int));
  end loop;
  return v_answers;
end
$$;

revoke all on function public.agent_propose_many(jsonb) from public, anon;
grant execute on function public.agent_propose_many(jsonb) to authenticated, service_role;
