/**
 * Segregation of duties declared in the diagram (ISO/IEC 20000-1 4.1.3 authorities and
 * responsibilities; 9.2 a change is decided by others than who asked for it; 9.3 a release is
 * approved by someone other than who built it): the general form of document control's
 * "approver ≠ author" (4.3.2, the process drafts). A user task's custom extension properties
 * (`zeebe:properties`) say who may not complete it:
 *
 * - `sod:notRequester` = `true`: not the case's requester, nor the person who recorded the case;
 * - `sod:notCompleterOf` = `Task_BuildRelease` (a comma list of element ids): not whoever
 *   completed one of these user tasks in the same process instance.
 *
 * The server enforces them when a task is claimed, assigned and completed (403 naming the rule,
 * in document control's words), and the inbox lists leave such a task out for those people (the
 * rules are copied onto the task's row when it arrives; see migration `0910`).
 */
import { sql, type Kysely, type SelectQueryBuilder } from 'kysely'
import type { DB } from '../db/schema'
import { ForbiddenError } from '../errors'
import type { Actor } from '../cases/access'
import { isCaseKind, kindSpecs, type CaseKind } from '../cases/kinds'
import { TaskState, type TaskView } from './task-model'

/** The prefix of the extension properties declaring segregation of duties. */
export const SOD_PROPERTY_PREFIX = 'sod:'

/** The rules a user task may declare, by property name. */
export const SodRule = {
  NotRequester: 'sod:notRequester',
  NotCompleterOf: 'sod:notCompleterOf',
} as const
export type SodRule = (typeof SodRule)[keyof typeof SodRule]

/** Who may not complete a task. */
export interface SegregationRules {
  /** Not the case's requester nor its recorder. */
  notRequester: boolean
  /** Not who completed one of these elements of the same instance. */
  notCompleterOf: string[]
}

/** A rule a person would break, and why. */
export interface SegregationBreach {
  rule: SodRule
  /** `requested RFC-000001`, `completed “Build release” in this procedure`. */
  what: string
}

const splitIds = (value: string) =>
  value
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean)

/** The rules an element's extension properties declare, if any. */
export function segregationOf(
  properties: Record<string, string> | undefined,
): SegregationRules | undefined {
  if (!properties) return undefined
  const notRequester = properties[SodRule.NotRequester]
  const notCompleterOf = properties[SodRule.NotCompleterOf]
  if (notRequester === undefined && notCompleterOf === undefined) return undefined
  return {
    notRequester: notRequester?.trim().toLowerCase() === 'true',
    notCompleterOf: notCompleterOf ? splitIds(notCompleterOf) : [],
  }
}

/**
 * What is wrong with the segregation of duties a process declares, per element, for a draft's
 * lint (errors block its submission): rules on anything but a user task, unknown `sod:` names,
 * values that are no boolean, `notRequester` in a process that drives no case, and
 * `notCompleterOf` naming something that is not another user task of the process.
 */
export function segregationLint(
  kind: CaseKind | undefined,
  elements: readonly { id: string; type: string; properties?: Record<string, string> }[],
): { id: string; message: string }[] {
  const byId = new Map(elements.map((e) => [e.id, e]))
  const known = Object.values(SodRule) as string[]
  const problems: { id: string; message: string }[] = []
  for (const el of elements) {
    const names = Object.keys(el.properties ?? {}).filter((n) => n.startsWith(SOD_PROPERTY_PREFIX))
    if (!names.length) continue
    const add = (message: string) => problems.push({ id: el.id, message })
    if (el.type !== 'UserTask') {
      add('sod: properties belong on user tasks')
      continue
    }
    for (const n of names) {
      if (!known.includes(n)) add(`${n} is no rule (${known.join(', ')})`)
    }
    const props = el.properties ?? {}
    const notRequester = props[SodRule.NotRequester]
    if (notRequester !== undefined) {
      if (!/^(true|false)$/i.test(notRequester.trim())) {
        add(`${SodRule.NotRequester}: "${notRequester}" is not true or false`)
      } else if (!kind || kindSpecs[kind].table !== 'cases') {
        add(`${SodRule.NotRequester}: this process drives no case with a requester`)
      }
    }
    const completerOf = props[SodRule.NotCompleterOf]
    if (completerOf !== undefined) {
      const ids = splitIds(completerOf)
      if (!ids.length) add(`${SodRule.NotCompleterOf}: name the element ids of user tasks`)
      for (const id of ids) {
        const other = byId.get(id)
        if (id === el.id) add(`${SodRule.NotCompleterOf}: "${id}" is this task itself`)
        else if (!other) add(`${SodRule.NotCompleterOf}: this process has no element "${id}"`)
        else if (other.type !== 'UserTask') {
          add(`${SodRule.NotCompleterOf}: "${id}" is not a user task`)
        }
      }
    }
  }
  return problems
}

/** The task row's copy of the rules, for the inbox lists. */
export function segregationColumns(rules: SegregationRules | undefined): {
  sod_not_requester: boolean
  sod_not_completer_of: string[]
} {
  return {
    sod_not_requester: rules?.notRequester ?? false,
    sod_not_completer_of: rules?.notCompleterOf ?? [],
  }
}

/**
 * The 403 of a duty someone else must do, in the words of document control's "You wrote this
 * draft; someone else must approve it (4.3.2)", naming the rule of the diagram.
 */
export function segregationError(
  who: string,
  breach: SegregationBreach,
  task: TaskView,
): ForbiddenError {
  return new ForbiddenError(
    `${who} ${breach.what}; someone else must complete “${task.name}” (segregation of duties, ${breach.rule}; ISO/IEC 20000-1 4.1.3).`,
  )
}

type TaskSelect = SelectQueryBuilder<DB, 'tasks', object>

const doneStates = [TaskState.Completed, TaskState.Completing]

/**
 * The tasks of `q` the person may complete as far as segregation of duties goes: the inbox does
 * not offer a task to its case's requester or recorder (`sod:notRequester`) nor to whoever
 * completed a task it names (`sod:notCompleterOf`).
 */
export function offeredOnly(q: TaskSelect, user: Actor): TaskSelect {
  // auditors read every task and complete none: nothing is kept from their lists
  const auditorOnly =
    user.roles.includes('auditor') && !user.roles.includes('admin') && !user.roles.includes('staff')
  if (auditorOnly) return q
  // Most tasks have no rule and pass on their own columns; the rest ask task_sod_forbids
  // (migration 1220), whose lookups PL/pgSQL plans once. Inline EXISTS subqueries here were
  // planned on every statement and, costed per row, turned the capped counts into bitmap
  // scans: twice the CPU time of bench:inbox (issue 21).
  return q.where(
    sql<boolean>`((not tasks.sod_not_requester and tasks.sod_not_completer_of = '{}'::text[])
      or not task_sod_forbids(tasks.case_id, tasks.process_instance_key,
        tasks.sod_not_requester, tasks.sod_not_completer_of, ${user.username}))`,
  )
}

/** Enforces the rules of a task's element, read from the process version it runs on. */
export class SegregationOfDuties {
  constructor(
    private readonly deps: {
      db: Kysely<DB>
      /** The rules the task's element declares in its process version. */
      rulesOf: (task: TaskView) => Promise<SegregationRules | undefined>
    },
  ) {}

  /** The rule `username` would break by completing `task`, if any. */
  async breach(username: string, task: TaskView): Promise<SegregationBreach | undefined> {
    const rules = await this.deps.rulesOf(task)
    if (!rules) return undefined
    const { db } = this.deps
    if (rules.notRequester && task.caseId && isCaseKind(task.caseKind)) {
      const spec = kindSpecs[task.caseKind]
      if (spec.table === 'cases') {
        const c = await db
          .selectFrom('cases')
          .select(['requester', 'created_by'])
          .where('id', '=', task.caseId)
          .executeTakeFirst()
        if (c?.requester === username) {
          return { rule: SodRule.NotRequester, what: `requested ${task.caseId}` }
        }
        if (c?.created_by === username) {
          return { rule: SodRule.NotRequester, what: `recorded ${task.caseId}` }
        }
      }
    }
    if (rules.notCompleterOf.length) {
      const done = await db
        .selectFrom('tasks')
        .select(['name'])
        .where('process_instance_key', '=', task.processInstanceKey)
        .where('element_id', 'in', rules.notCompleterOf)
        .where('completed_by', '=', username)
        .where('state', 'in', doneStates)
        .executeTakeFirst()
      if (done) {
        return {
          rule: SodRule.NotCompleterOf,
          what: `completed “${done.name}” in this procedure`,
        }
      }
    }
    return undefined
  }

  /**
   * Throws the 403 when `username` may not complete `task`; `actor` is who asks (a lead
   * assigning it to `username`), default `username` themself.
   */
  async enforce(username: string, task: TaskView, actor = username): Promise<void> {
    const breach = await this.breach(username, task)
    if (breach) throw segregationError(actor === username ? 'You' : username, breach, task)
  }
}
