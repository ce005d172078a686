/**
 * Links of records: to other records (incident → problem `caused-by`, …) and to the process
 * instances that handle them. Each link is stored with its evidence entry in one transaction
 * (4.3.3).
 */
import type { Kysely } from 'kysely'
import type { DB } from '../db/schema'
import { ConflictError, ForbiddenError, UserError } from '../errors'
import { writeWithEvidence, type AuditSink } from '../evidence/audit-sink'
import { canRead, canWrite, type Actor } from './access'
import { scopeOf, toLink, type CaseLink } from './case-record'
import { readableRow, rowOf } from './case-rows'
import { kindSpecs, type CaseKind } from './kinds'
import type { LinkedInstance, ProcedureStartPayload } from './procedure-starts'

export class CaseLinks {
  constructor(private readonly deps: { db: Kysely<DB>; audit: AuditSink }) {}

  /** Links `from` to `to` (e.g. incident → problem `caused-by`). Needs write access to `from`. */
  async link(
    from: { kind: CaseKind; id: string },
    to: { kind: CaseKind; id: string },
    linkType: string,
    actor: Actor,
  ): Promise<CaseLink> {
    const fromSpec = kindSpecs[from.kind]
    const toSpec = kindSpecs[to.kind]
    return writeWithEvidence(this.deps.db, this.deps.audit, async (tx) => {
      const source = await readableRow(fromSpec, from.id, actor, tx, true)
      if (!canWrite(actor, from.kind, scopeOf(fromSpec, source))) {
        throw new ForbiddenError(`You may not change ${from.id}.`)
      }
      const target = await rowOf(toSpec, to.id, tx)
      if (!target || !canRead(actor, to.kind, scopeOf(toSpec, target))) {
        throw new UserError('The link target does not exist.', [
          { path: '/toId', message: `no ${toSpec.label} ${to.id}` },
        ])
      }
      const inserted = await tx
        .insertInto('case_links')
        .values({
          from_kind: from.kind,
          from_id: from.id,
          to_kind: to.kind,
          to_id: to.id,
          link_type: linkType,
          created_by: actor.username,
        })
        .onConflict((oc) => oc.doNothing())
        .returningAll()
        .executeTakeFirst()
      if (!inserted) throw new ConflictError(`${from.id} is already linked to ${to.id} that way.`)
      const link = toLink(inserted)
      return {
        result: link,
        evidence: {
          actor: actor.username,
          action: 'link.created',
          entityType: from.kind,
          entityId: from.id,
          after: link,
        },
      }
    })
  }

  /** Records that a process instance handles the record (idempotent per instance key). */
  async linkProcessInstance(
    kind: CaseKind,
    id: string,
    instance: LinkedInstance,
    actor: Actor,
  ): Promise<void> {
    await this.deps.db.transaction().execute((tx) =>
      this.linkIn(
        tx,
        {
          caseKind: kind,
          caseId: id,
          actor: actor.username,
          bpmnProcessId: instance.bpmnProcessId,
        },
        instance,
      ),
    )
  }

  /**
   * Links an instance to its case inside `tx` (the procedure start's transaction), with its
   * evidence entry; nothing when the instance is linked already.
   */
  async linkIn(
    tx: Kysely<DB>,
    p: Pick<ProcedureStartPayload, 'caseKind' | 'caseId' | 'actor' | 'bpmnProcessId'>,
    instance: LinkedInstance,
  ): Promise<void> {
    const inserted = await tx
      .insertInto('case_processes')
      .values({
        process_instance_key: instance.processInstanceKey,
        case_kind: p.caseKind,
        case_id: p.caseId,
        bpmn_process_id: instance.bpmnProcessId,
        process_definition_key: instance.processDefinitionKey,
        process_version: instance.version,
        started_by: p.actor,
      })
      .onConflict((oc) => oc.doNothing())
      .returning('process_instance_key')
      .executeTakeFirst()
    if (!inserted) return
    await this.deps.audit.append(
      {
        actor: p.actor,
        action: 'process-instance.linked',
        entityType: p.caseKind,
        entityId: p.caseId,
        after: {
          processInstanceKey: instance.processInstanceKey,
          bpmnProcessId: instance.bpmnProcessId,
          processDefinitionKey: instance.processDefinitionKey,
          version: instance.version,
        },
        processInstanceKey: instance.processInstanceKey,
      },
      tx,
    )
  }
}
