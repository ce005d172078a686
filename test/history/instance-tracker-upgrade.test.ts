/**
 * A database that the record-log follower tracked (before the server read v2) is upgraded: the
 * v2 instance tracker's first pass starts where the follower's evidence ends, so the steps the
 * engine took between the follower's last entry and the upgrade still reach the case's trail
 * and the instance's state (ISO/IEC 20000-1 4.3.3: records of what was done are complete), and
 * a step the follower had recorded is not written a second time. Real engine (v2 REST port),
 * real evidence trail, on PGlite and, with TEST_DATABASE_URL, on PostgreSQL.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { Engine } from '../../engine/engine'
import { startEngine, type RunningEngine } from '../../engine/index'
import { bpmn, chain, completeOne, serviceTask } from '../../engine/test-support'
import { CamundaRest, pollUntil } from '../../server/src/camunda/camunda-rest'
import { AuditTrail } from '../../server/src/evidence/audit-trail'
import { InstanceTracker } from '../../server/src/history/instance-tracker'
import { createLogger } from '../../server/src/log'
import { testDatabaseTargets, type TestDatabase } from '../support/databases'

const PROCESS = bpmn(
  'upgrade-tracking',
  `<bpmn:startEvent id="StartEvent_Reported" />
${serviceTask('Task_Classify', 'classify-incident')}
<bpmn:endEvent id="EndEvent_Classified" />
${chain('StartEvent_Reported', 'Task_Classify', 'EndEvent_Classified')}`,
)
const CASE = { kind: 'incident', id: 'INC-UPGRADE' }

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe.each(testDatabaseTargets())(
  'instance tracking after an upgrade from the record-log follower ($kind)',
  (target) => {
    let db: TestDatabase | undefined
    let running: RunningEngine | undefined
    let tracker: InstanceTracker | undefined

    afterEach(async () => {
      tracker?.stop()
      await running?.stop()
      await db?.drop()
      tracker = running = db = undefined
    })

    /**
     * An instance for a case whose start event the record-log follower recorded before the
     * upgrade (its cursor and its evidence entry, which carries a log position and no key),
     * then finished by the engine before the v2 tracker's first pass: the steps in between were
     * seen by neither tracker.
     */
    async function upgradedWithStepsInBetween() {
      db = await target.open()
      running = await startEngine({ sql: db.database.sql, port: 0, restPort: 0 })
      const engine = running.engine as Engine
      const camunda = new CamundaRest({
        address: running.restUrl!,
        auth: { ZEEBE_AUTH_STRATEGY: 'NONE' } as never,
      })
      const audit = new AuditTrail(db.database.db)
      await engine.deployResources([{ name: 'upgrade-tracking.bpmn', content: PROCESS }])
      const created = await engine.createProcessInstance({ bpmnProcessId: 'upgrade-tracking' })
      const key = created.processInstanceKey
      await db.database.db.transaction().execute(async (tx) => {
        await tx
          .insertInto('process_instances')
          .values({
            process_instance_key: key,
            process_definition_key: created.processDefinitionKey,
            bpmn_process_id: 'upgrade-tracking',
            version: created.version,
            case_kind: CASE.kind,
            case_id: CASE.id,
            started_by: 'desk',
          })
          .execute()
        // what the record-log follower left: its cursor and its entry of the start event
        await tx.insertInto('record_cursors').values({ name: 'instances', position: 4 }).execute()
        await audit.append(
          {
            actor: 'system:engine',
            action: 'engine.process_instance.element_completed',
            entityType: CASE.kind,
            entityId: CASE.id,
            processInstanceKey: key,
            after: {
              position: 4,
              elementId: 'StartEvent_Reported',
              bpmnElementType: 'START_EVENT',
            },
          },
          tx,
        )
      })
      // after the follower's last entry, before the upgrade: the task is done, the instance ends
      await sleep(20)
      await completeOne(engine, 'classify-incident')
      const ended = await pollUntil(
        async () => {
          const pi = await camunda.processInstance(key)
          return pi?.state === 'COMPLETED' ? pi : undefined
        },
        { waitMs: 15_000 },
      )
      expect(ended, 'the completed instance in the v2 search').toBeDefined()
      await sleep(20)
      return { key, camunda, audit }
    }

    const engineEntries = async () =>
      (
        await db!.database.db
          .selectFrom('evidence')
          .select(['action', 'after'])
          .where('actor', '=', 'system:engine')
          .where('entity_id', '=', CASE.id)
          .orderBy('seq')
          .execute()
      ).map((r) => `${r.action} ${String((r.after as { elementId?: unknown }).elementId)}`)

    it('4.3.3: the first pass reads from the follower’s last entry, so the steps taken in between are recorded', async () => {
      // given the steps taken between the follower's last entry and the upgrade
      const { key, camunda, audit } = await upgradedWithStepsInBetween()

      // when the v2 tracker runs its first pass (no lag: only its cursor decides what it reads)
      tracker = new InstanceTracker({
        db: db!.database.db,
        camunda,
        audit,
        log: createLogger('silent'),
        lagMs: 0,
      })
      await tracker.settled()

      // then the trail has every step once, in order, and the instance is completed
      expect(await engineEntries()).toEqual([
        'engine.process_instance.element_completed StartEvent_Reported',
        'engine.process_instance.element_completed Task_Classify',
        'engine.process_instance.element_completed EndEvent_Classified',
        'engine.process_instance.element_completed upgrade-tracking',
      ])
      const row = await db!.database.db
        .selectFrom('process_instances')
        .select(['state', 'ended_at'])
        .where('process_instance_key', '=', key)
        .executeTakeFirstOrThrow()
      expect(row.state).toBe('completed')
      expect(row.ended_at).not.toBeNull()
      const cursor = await db!.database.db
        .selectFrom('record_cursors')
        .select('position')
        .where('name', '=', 'instances-v2')
        .executeTakeFirst()
      expect(cursor, 'the v2 cursor after the first pass').toBeDefined()
    })

    it('4.3.3: a step the follower recorded, read again in the lag window, is not written twice', async () => {
      // given the same upgrade, and a lag window that reaches back over the follower's entry
      const { camunda, audit } = await upgradedWithStepsInBetween()

      // when the v2 tracker runs two passes
      tracker = new InstanceTracker({
        db: db!.database.db,
        camunda,
        audit,
        log: createLogger('silent'),
        lagMs: 60_000,
      })
      await tracker.settled()
      await tracker.settled()

      // then the start event is in the trail once, the follower's entry
      expect(await engineEntries()).toEqual([
        'engine.process_instance.element_completed StartEvent_Reported',
        'engine.process_instance.element_completed Task_Classify',
        'engine.process_instance.element_completed EndEvent_Classified',
        'engine.process_instance.element_completed upgrade-tracking',
      ])
    })
  },
)
