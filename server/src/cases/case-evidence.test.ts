/**
 * ISO/IEC 20000-1 4.3.3 control of records: a record change and its evidence entry are one
 * transaction (`writeWithEvidence`). The evidence store here refuses chosen entries the way a
 * real failure would (a trigger on `evidence` raising, as a full disk or a broken chain does),
 * and every write of the cases services must then leave its record exactly as it was; with the
 * refusal lifted, the same write stores the change and its entry together.
 */
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDatabaseTargets, type TestDatabase } from '../../../test/support/databases'
import { AuditTrail } from '../evidence/audit-trail'
import { seedCatalogue, type SeededCatalogue } from '../seed/catalogue'
import { seedDemoUsers } from '../seed/demo'
import { systemActor, type Actor } from './access'
import { ActivityType } from './activity'
import { ActivityService } from './activity.service'
import { CaseService } from './case.service'
import { CatalogueService } from './catalogue.service'
import { CmdbService } from './cmdb.service'

const desk: Actor = { username: 'desk', roles: ['staff'], groups: [{ id: 'service-desk' }] }
const admin: Actor = { username: 'admin', roles: ['admin'], groups: [] }

describe.each(testDatabaseTargets())(
  'a case change and its evidence on $kind (4.3.3)',
  (target) => {
    let t: TestDatabase
    let cases: CaseService
    let activity: ActivityService
    let cmdb: CmdbService
    let seeded: SeededCatalogue
    let incident: string
    let other: string

    beforeAll(async () => {
      t = await target.open()
      const db = t.database.db
      await seedDemoUsers(db)
      const audit = new AuditTrail(db)
      cases = new CaseService({ db, audit })
      activity = new ActivityService({ db, audit, cases })
      cmdb = new CmdbService({ db, audit })
      const catalogue = new CatalogueService({ db, audit })
      seeded = (await seedCatalogue({ db, cases, cmdb, catalogue }))!
      incident = (
        await cases.create('incident', { title: 'Mail is slow', requester: 'customer' }, desk)
      ).id
      other = (
        await cases.create('incident', { title: 'Mail bounces', requester: 'customer' }, desk)
      ).id
      // the evidence store refuses the entries whose action is listed in `refused_evidence`
      await sql`create table refused_evidence (action text primary key)`.execute(db)
      await sql`create function refuse_evidence() returns trigger language plpgsql as $$
      begin
        if exists (select 1 from refused_evidence where action = new.action) then
          raise exception 'the evidence store refused %', new.action;
        end if;
        return new;
      end $$`.execute(db)
      await sql`create trigger evidence_refused before insert on evidence
      for each row execute function refuse_evidence()`.execute(db)
    })
    afterAll(async () => {
      await t?.drop()
    })

    /** What a user could observe of the record and what hangs on it. */
    async function observed(id: string) {
      const db = t.database.db
      const count = async (table: string, where: ReturnType<typeof sql>) =>
        Number(
          (
            await sql<{
              n: string
            }>`select count(*) as n from ${sql.table(table)} where ${where}`.execute(db)
          ).rows[0]!.n,
        )
      const row = await sql<
        Record<string, unknown>
      >`select id, title, status, version, data from cases
      where id = ${id}`.execute(db)
      return {
        record: row.rows[0] ?? null,
        links: await count('case_links', sql`from_id = ${id}`),
        attachments: await count('case_attachments', sql`case_id = ${id}`),
        comments: await count('case_comments', sql`case_id = ${id}`),
        statusHistory: await count('case_status_history', sql`case_id = ${id}`),
        ciRelations: await count('ci_relations', sql`ci_id = ${id}`),
        ciHistory: await count('ci_history', sql`ci_id = ${id}`),
      }
    }
    const evidenceOf = async (id: string, action: string) =>
      t.database.db
        .selectFrom('evidence')
        .select('seq')
        .where('entity_id', '=', id)
        .where('action', '=', action)
        .execute()

    const writes: [string, string, () => string, () => Promise<unknown>][] = [
      [
        'a PATCH of a case',
        'incident.updated',
        () => incident,
        async () => {
          const current = await cases.get('incident', incident, desk)
          return cases.update(
            'incident',
            incident,
            { version: current.version, title: 'Mail is down' },
            desk,
          )
        },
      ],
      [
        "a procedure's status change, with its status history (8.1 d)",
        'incident.status-changed',
        () => incident,
        () =>
          cases.setStatus('incident', incident, 'in-progress', systemActor('test'), {
            elementId: 'Task_Investigate',
          }),
      ],
      [
        "a worker's field change",
        'incident.updated',
        () => incident,
        () => cases.updateFields('incident', incident, { priority: 2 }, systemActor('prioritise')),
      ],
      [
        'a link to another case',
        'link.created',
        () => incident,
        () =>
          cases.link(
            { kind: 'incident', id: incident },
            { kind: 'incident', id: other },
            'related-to',
            desk,
          ),
      ],
      [
        'an attachment',
        'attachment.added',
        () => incident,
        () =>
          cases.attach(
            'incident',
            incident,
            { name: 'log.txt', contentType: 'text/plain', content: Buffer.from('timeout') },
            desk,
          ),
      ],
      [
        'a work note (8.1)',
        'work-note.added',
        () => incident,
        () =>
          activity.add(
            'incident',
            incident,
            { type: ActivityType.WorkNote, body: 'Checked' },
            desk,
          ),
      ],
      [
        "a CI's relation, with its CI history (9.1)",
        'ci.relation-added',
        () => seeded.cis['mail-app']!,
        () =>
          cmdb.addRelation(
            seeded.cis['mail-app']!,
            { targetKind: 'ci', targetId: seeded.cis['erp-db']!, relationType: 'connects-to' },
            admin,
          ),
      ],
    ]

    it.each(writes)(
      '%s is not stored when its evidence entry cannot be',
      async (_what, action, idOf, write) => {
        // given the evidence store refuses the entry of this write
        const id = idOf()
        const before = await observed(id)
        const entriesBefore = (await evidenceOf(id, action)).length
        await sql`insert into refused_evidence (action) values (${action})`.execute(t.database.db)

        // when the write runs
        const refused = write()

        // then it fails and nothing of it is stored: neither the change nor its evidence
        await expect(refused).rejects.toThrow(`the evidence store refused ${action}`)
        expect(await observed(id)).toEqual(before)
        expect(await evidenceOf(id, action)).toHaveLength(entriesBefore)

        // and once the store takes entries again, the same write stores both together
        await sql`delete from refused_evidence`.execute(t.database.db)
        await write()
        expect(await observed(id)).not.toEqual(before)
        expect(await evidenceOf(id, action)).toHaveLength(entriesBefore + 1)
      },
    )

    it('a case is not created when its evidence entry cannot be', async () => {
      // given
      await sql`insert into refused_evidence (action) values ('incident.created')`.execute(
        t.database.db,
      )
      const count = async () =>
        (
          await t.database.db
            .selectFrom('cases')
            .select('id')
            .where('title', '=', 'Printer on fire')
            .execute()
        ).length

      // when
      const refused = cases.create(
        'incident',
        { title: 'Printer on fire', requester: 'customer' },
        desk,
      )

      // then
      await expect(refused).rejects.toThrow('the evidence store refused incident.created')
      expect(await count()).toBe(0)
      await sql`delete from refused_evidence`.execute(t.database.db)
      const created = await cases.create(
        'incident',
        { title: 'Printer on fire', requester: 'customer' },
        desk,
      )
      expect(await count()).toBe(1)
      expect(await evidenceOf(created.id, 'incident.created')).toHaveLength(1)
    })
  },
)
