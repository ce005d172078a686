import { sql, type Kysely } from 'kysely'

/**
 * Segregation of duties in the inbox lists as one function (ISO/IEC 20000-1 4.1.3): whether a
 * task's `sod:` rules keep it from `username` (the case's requester or recorder; whoever
 * completed one of the named tasks of the same instance). The lists called two EXISTS
 * subqueries inline in every page, total and sidebar count, and planning them on every
 * statement doubled the CPU time of `npm run bench:inbox` (issue 21). PL/pgSQL plans the two
 * lookups once per connection and keeps the plans; the lists call it only for the rare task
 * that has a rule. Hence `cost 1`: costed as a lookup per row, the planner turned the capped
 * counts into bitmap scans over every open task instead of reading until the cap.
 * The states are `doneStates` of server/src/inbox/segregation.ts.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create function task_sod_forbids(
      task_case_id text,
      task_instance text,
      not_requester boolean,
      not_completer_of text[],
      username text
    ) returns boolean
    language plpgsql stable parallel safe cost 1
    as $$
    begin
      if not_requester and exists (
        select 1 from cases c where c.id = task_case_id
        and (c.requester = username or c.created_by = username)) then
        return true;
      end if;
      return cardinality(not_completer_of) > 0 and exists (
        select 1 from tasks done where done.process_instance_key = task_instance
        and done.element_id = any(not_completer_of)
        and done.completed_by = username
        and done.state in ('completed', 'completing'));
    end
    $$`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop function task_sod_forbids(text, text, boolean, text[], text)`.execute(db)
}
