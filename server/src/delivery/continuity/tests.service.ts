/**
 * Continuity tests (ISO/IEC 20000-1 6.3.3): each plan is tested at planned intervals (the daily
 * check of `processes/continuity-test.bpmn` claims the plans due), re-tested after a change with
 * major impact on a service it covers, or on request; each test keeps its plan, run, results
 * and actions. A plan is invoked during a major incident on a service it covers (6.3.2). Every
 * write is one transaction with its evidence entry (4.3.3).
 */
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely'
import type { ContinuityTestsTable, DB } from '../../db/schema'
import { iso, isoOrNull } from '../../db/timestamps'
import { writeWithEvidence, type AuditSink } from '../../evidence/audit-sink'
import { NotFoundError } from '../../errors'
import { nextReference } from '../../cases/references'
import type { Actor } from '../../cases/access'
import { UnprocessableError } from '../../cases/change-control'
import { majorIncidentSql } from '../../cases/major-incident'
import { requireOwner } from '../access'
import {
  TestReason,
  TestResult,
  TestStatus,
  type ContinuityTest,
  type TestToRun,
} from './continuity-model'

/** The message that starts a requested test (message start of continuity-test.bpmn). */
export const CONTINUITY_TEST_MESSAGE = 'continuity-test-requested'

const DAY = 86_400_000
const json = (v: unknown) => (v == null ? null : (v as Record<string, unknown>))

const toTest = (r: Selectable<ContinuityTestsTable>): ContinuityTest => ({
  id: r.id,
  planId: r.plan_id,
  reason: r.reason as TestReason,
  changeId: r.change_id,
  status: r.status as TestStatus,
  processInstanceKey: r.process_instance_key,
  plan: json(r.plan),
  run: json(r.run),
  result: r.result as TestResult | null,
  results: json(r.results),
  actions: json(r.actions),
  requestedBy: r.requested_by,
  createdAt: iso(r.created_at),
  completedAt: isoOrNull(r.completed_at),
})

export class ContinuityTestsService {
  constructor(private readonly deps: { db: Kysely<DB>; audit: AuditSink; now: () => Date }) {}

  async list(planId?: string): Promise<ContinuityTest[]> {
    let q = this.deps.db.selectFrom('continuity_tests').selectAll()
    if (planId) q = q.where('plan_id', '=', planId)
    const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(500).execute()
    return rows.map(toTest)
  }

  async get(id: string): Promise<ContinuityTest> {
    const r = await this.deps.db
      .selectFrom('continuity_tests')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst()
    if (!r) throw new NotFoundError(`No continuity test ${id}.`)
    return toTest(r)
  }

  /** Opens a test record of a plan inside the transaction. */
  private async open(
    tx: Transaction<DB>,
    plan: { document_id: string; owner_group: string; title: string },
    reason: TestReason,
    actor: string,
    opts: { changeId?: string; instanceKey?: string } = {},
  ) {
    const id = await nextReference(tx, 'CT')
    const row = await tx
      .insertInto('continuity_tests')
      .values({
        id,
        plan_id: plan.document_id,
        reason,
        change_id: opts.changeId ?? null,
        status: TestStatus.Open,
        process_instance_key: opts.instanceKey ?? null,
        requested_by: actor,
        created_at: this.deps.now(),
      })
      .returningAll()
      .executeTakeFirstOrThrow()
    const test: TestToRun = {
      id,
      planId: plan.document_id,
      title: `Continuity test of ${plan.title}`,
      ownerGroup: plan.owner_group,
      reason,
      changeId: opts.changeId ?? null,
    }
    return {
      test,
      evidence: {
        actor,
        action: 'continuity-test.opened',
        entityType: 'continuity-test',
        entityId: id,
        after: toTest(row),
        ...(opts.instanceKey ? { processInstanceKey: opts.instanceKey } : {}),
      },
    }
  }

  private plansQuery(tx: Kysely<DB>) {
    return tx
      .selectFrom('continuity_plans as p')
      .innerJoin('sms_documents as d', 'd.id', 'p.document_id')
      .select(['p.document_id', 'p.owner_group', 'p.test_interval_days', 'd.title'])
  }

  /**
   * 6.3.3: the plans whose test date has come get a test each, claimed by the instance
   * `instanceKey`; their next test is planned one interval ahead (a repeated job of the same
   * instance opens nothing twice).
   */
  async claimDue(instanceKey: string, actor: string): Promise<TestToRun[]> {
    return writeWithEvidence(this.deps.db, this.deps.audit, async (tx) => {
      const already = await tx
        .selectFrom('continuity_tests as t')
        .innerJoin('sms_documents as d', 'd.id', 't.plan_id')
        .innerJoin('continuity_plans as p', 'p.document_id', 't.plan_id')
        .select(['t.id', 't.plan_id', 't.reason', 't.change_id', 'd.title', 'p.owner_group'])
        .where('t.process_instance_key', '=', instanceKey)
        .orderBy('t.id')
        .execute()
      if (already.length) {
        return {
          result: already.map((t) => ({
            id: t.id,
            planId: t.plan_id,
            title: `Continuity test of ${t.title}`,
            ownerGroup: t.owner_group,
            reason: t.reason as TestReason,
            changeId: t.change_id,
          })),
          evidence: null,
        }
      }
      const now = this.deps.now()
      const due = await this.plansQuery(tx)
        .where('p.next_test_at', '<=', now)
        .orderBy('p.document_id')
        .forUpdate()
        .execute()
      const tests: TestToRun[] = []
      const evidence = []
      for (const plan of due) {
        await tx
          .updateTable('continuity_plans')
          .set({ next_test_at: new Date(now.getTime() + plan.test_interval_days * DAY) })
          .where('document_id', '=', plan.document_id)
          .execute()
        const opened = await this.open(tx, plan, TestReason.Scheduled, actor, { instanceKey })
        tests.push(opened.test)
        evidence.push(opened.evidence)
      }
      return { result: tests, evidence }
    })
  }

  /**
   * 6.3.3: after a change with major impact on services, the plans covering them get a test
   * each (reason `major-change`). A repeated job for the same change opens nothing twice.
   */
  async openForChange(changeId: string, services: string[], actor: string): Promise<TestToRun[]> {
    if (!services.length) return []
    return writeWithEvidence(this.deps.db, this.deps.audit, async (tx) => {
      const plans = await this.plansQuery(tx)
        .where(sql<boolean>`p.services && ${sql.val(services)}::text[]`)
        .orderBy('p.document_id')
        .execute()
      const tests: TestToRun[] = []
      const evidence = []
      for (const plan of plans) {
        const done = await tx
          .selectFrom('continuity_tests')
          .select('id')
          .where('plan_id', '=', plan.document_id)
          .where('change_id', '=', changeId)
          .executeTakeFirst()
        if (done) continue
        const opened = await this.open(tx, plan, TestReason.MajorChange, actor, { changeId })
        tests.push(opened.test)
        evidence.push(opened.evidence)
      }
      return { result: tests, evidence }
    })
  }

  /** A test a service owner (or SMS manager) asks for now. */
  async request(planId: string, actor: Actor): Promise<TestToRun> {
    return writeWithEvidence(this.deps.db, this.deps.audit, async (tx) => {
      const plan = await this.plansQuery(tx).where('p.document_id', '=', planId).executeTakeFirst()
      if (!plan) throw new NotFoundError(`No continuity plan ${planId}.`)
      requireOwner(actor, [plan.owner_group], 'Starting a continuity test')
      const opened = await this.open(tx, plan, TestReason.Requested, actor.username)
      return { result: opened.test, evidence: opened.evidence }
    })
  }

  /**
   * 6.3.3: records what the test's tasks decided (plan, run, results) and whether it met the
   * plan's targets: passed, and the recovery time within the recovery time objective of every
   * service of the plan with requirements.
   */
  async recordResults(
    id: string,
    input: {
      plan: Record<string, unknown>
      run: Record<string, unknown> & { recoveryMinutes?: number }
      results: Record<string, unknown> & { result: TestResult }
    },
    actor: string,
    instanceKey: string,
  ): Promise<{ passed: boolean; rtoMet: boolean }> {
    return writeWithEvidence(this.deps.db, this.deps.audit, async (tx) => {
      const t = await tx
        .selectFrom('continuity_tests')
        .selectAll()
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirst()
      if (!t) throw new NotFoundError(`No continuity test ${id}.`)
      const plan = await tx
        .selectFrom('continuity_plans')
        .select('services')
        .where('document_id', '=', t.plan_id)
        .executeTakeFirstOrThrow()
      const reqs = await tx
        .selectFrom('continuity_requirements')
        .select(['service_id', 'rto_minutes'])
        .where('service_id', 'in', plan.services.length ? plan.services : [''])
        .execute()
      const recovery = input.run.recoveryMinutes
      const rtoMet = typeof recovery === 'number' && reqs.every((r) => recovery <= r.rto_minutes)
      const passed = input.results.result === TestResult.Passed && rtoMet
      if (t.result) return { result: { passed, rtoMet }, evidence: null }
      const after = await tx
        .updateTable('continuity_tests')
        .set({
          plan: JSON.stringify(input.plan),
          run: JSON.stringify(input.run),
          results: JSON.stringify({ ...input.results, rtoMet }),
          result: passed
            ? TestResult.Passed
            : input.results.result === TestResult.Passed
              ? TestResult.Partial
              : input.results.result,
          process_instance_key: instanceKey,
          ...(passed ? { status: TestStatus.Completed, completed_at: this.deps.now() } : {}),
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow()
      return {
        result: { passed, rtoMet },
        evidence: {
          actor,
          action: 'continuity-test.recorded',
          entityType: 'continuity-test',
          entityId: id,
          before: toTest(t),
          after: toTest(after),
          processInstanceKey: instanceKey,
        },
      }
    })
  }

  /** 6.3.3: the actions agreed on a test that did not pass; the test is completed. */
  async recordActions(
    id: string,
    actions: Record<string, unknown>,
    actor: string,
    instanceKey: string,
  ): Promise<ContinuityTest> {
    await writeWithEvidence(this.deps.db, this.deps.audit, async (tx) => {
      const t = await tx
        .selectFrom('continuity_tests')
        .selectAll()
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirst()
      if (!t) throw new NotFoundError(`No continuity test ${id}.`)
      if (t.status === TestStatus.Completed) return { result: null, evidence: null }
      const after = await tx
        .updateTable('continuity_tests')
        .set({
          actions: JSON.stringify(actions),
          status: TestStatus.Completed,
          completed_at: this.deps.now(),
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow()
      return {
        result: null,
        evidence: {
          actor,
          action: 'continuity-test.actions-agreed',
          entityType: 'continuity-test',
          entityId: id,
          before: toTest(t),
          after: toTest(after),
          processInstanceKey: instanceKey,
        },
      }
    })
    return this.get(id)
  }

  /** The plans covering the service of an incident (6.3.2): what may be invoked for it. */
  async plansForIncident(incidentId: string) {
    const inc = await this.deps.db
      .selectFrom('cases as c')
      .select(['c.id', 'c.service_id', majorIncidentSql('c').as('major')])
      .where('c.kind', '=', 'incident')
      .where('c.id', '=', incidentId)
      .executeTakeFirst()
    if (!inc) throw new NotFoundError(`No incident ${incidentId}.`)
    const plans = inc.service_id
      ? await this.plansQuery(this.deps.db)
          .where(sql<boolean>`${inc.service_id} = any(p.services)`)
          .orderBy('p.document_id')
          .execute()
      : []
    const invocations = await this.deps.db
      .selectFrom('continuity_invocations')
      .selectAll()
      .where('incident_id', '=', incidentId)
      .orderBy('id')
      .execute()
    return {
      incidentId,
      serviceId: inc.service_id,
      major: !!inc.major,
      plans: plans.map((p) => ({
        documentId: p.document_id,
        title: p.title,
        ownerGroup: p.owner_group,
      })),
      invocations: invocations.map((i) => ({
        id: i.id,
        planId: i.plan_id,
        notes: i.notes,
        invokedBy: i.invoked_by,
        invokedAt: iso(i.invoked_at),
        returnedToNormalAt: isoOrNull(i.returned_to_normal_at),
      })),
    }
  }

  /**
   * 6.3.2: a plan is invoked during a major incident on a service it covers (422 when the
   * incident is not major or the plan does not cover its service); the invocation is linked to
   * the incident in its evidence.
   */
  async invoke(planId: string, incidentId: string, notes: string, actor: Actor) {
    const found = await this.plansForIncident(incidentId)
    const plan = found.plans.find((p) => p.documentId === planId)
    if (!found.major) {
      throw new UnprocessableError(
        `${incidentId} is not a major incident; continuity plans are invoked for major incidents (6.3.2).`,
      )
    }
    if (!plan) {
      throw new UnprocessableError(
        `${planId} does not cover ${found.serviceId ?? 'the service'} of ${incidentId}.`,
      )
    }
    requireOwner(actor, [plan.ownerGroup, 'service-desk'], 'Invoking a continuity plan')
    await writeWithEvidence(this.deps.db, this.deps.audit, async (tx) => {
      const row = await tx
        .insertInto('continuity_invocations')
        .values({
          plan_id: planId,
          incident_id: incidentId,
          notes,
          invoked_by: actor.username,
          invoked_at: this.deps.now(),
        })
        .returningAll()
        .executeTakeFirstOrThrow()
      return {
        result: null,
        evidence: [
          {
            actor: actor.username,
            action: 'continuity-plan.invoked',
            entityType: 'sms-document',
            entityId: planId,
            after: row,
          },
          {
            actor: actor.username,
            action: 'incident.continuity-plan-invoked',
            entityType: 'incident',
            entityId: incidentId,
            after: { planId, notes },
          },
        ],
      }
    })
    return this.plansForIncident(incidentId)
  }
}
