/**
 * What user tasks declare for the inbox beside their record updates: the case fields they show
 * (`context:`, `task-context.ts`) and who may not complete them (`sod:`, `segregation.ts`).
 * Here: their lint (errors block a procedure draft's submission, ISO/IEC 20000-1 4.3.2, so a
 * diagram whose task would show or enforce the wrong thing is never deployed) and what the task
 * view adds from them.
 */
import type { Kysely } from 'kysely'
import type { DB } from '../db/schema'
import type { Actor } from '../cases/access'
import { isCaseKind, type CaseKind } from '../cases/kinds'
import type { BpmnElementInfo } from '../processes/bpmn'
import { contextFieldsOf, contextLint, taskContext, type ContextItem } from './task-context'
import { segregationLint, type SegregationOfDuties, type SodRule } from './segregation'
import type { TaskView } from './task-model'

/** A lint problem as drafts store them. */
export interface TaskDeclarationProblem {
  rule: 'task-context' | 'segregation-of-duties'
  category: 'error'
  id: string
  message: string
}

/** The `context:` and `sod:` problems of a process's elements (by id) driving records of `kind`. */
export function taskDeclarationLint(
  kind: CaseKind | undefined,
  elements: Record<string, BpmnElementInfo>,
): TaskDeclarationProblem[] {
  const list = Object.values(elements)
  return [
    ...contextLint(kind, list).map((p) => ({
      rule: 'task-context' as const,
      category: 'error' as const,
      ...p,
    })),
    ...segregationLint(kind, list).map((p) => ({
      rule: 'segregation-of-duties' as const,
      category: 'error' as const,
      ...p,
    })),
  ]
}

/** What `GET /api/tasks/:id` adds from the task's declarations. */
export interface DeclaredForTask {
  /** The case fields the task shows above its form (`context:`), as the user may see them. */
  context: ContextItem[]
  /** Why the user may not complete the task (`sod:`), or null. */
  segregation: { rule: SodRule; reason: string } | null
}

/** The declarations of a task's element applied for `user` viewing it with `caseRecord`. */
export async function declaredForTask(
  tasks: {
    elementProperties(task: TaskView): Promise<Record<string, string> | undefined>
    segregation: SegregationOfDuties
  },
  db: Kysely<DB>,
  task: TaskView,
  caseRecord: Record<string, unknown> | null,
  user: Actor,
): Promise<DeclaredForTask> {
  const fields = contextFieldsOf(await tasks.elementProperties(task))
  const context =
    caseRecord && fields.length && isCaseKind(task.caseKind)
      ? await taskContext(db, task.caseKind, caseRecord, fields, user)
      : []
  const breach = await tasks.segregation.breach(user.username, task)
  return {
    context,
    segregation: breach ? { rule: breach.rule, reason: `You ${breach.what}.` } : null,
  }
}
