/**
 * The deployed versions of every procedure (ISO/IEC 20000-1 4.3.2): which versions exist, who
 * deployed and approved each, how many instances run on it, and one version's exact XML.
 */
import { sql, type Kysely } from 'kysely'
import type { DB } from '../db/schema'
import { NotFoundError } from '../errors'
import { isoOrNull as iso } from '../db/timestamps'
import type { DraftStore } from './draft-store'
import { DraftKind, type ProcessView } from './processes.model'

export class ProcessVersionQueries {
  constructor(private readonly deps: { db: Kysely<DB>; drafts: DraftStore }) {}

  /** Every process with its versions (state, approver, instance counts) and open drafts. */
  async list(): Promise<ProcessView[]> {
    const { db } = this.deps
    const versions = await db
      .selectFrom('process_versions')
      .select([
        'process_definition_key',
        'bpmn_process_id',
        'version',
        'name',
        'state',
        'deployed_at',
        'deployed_by',
        'approved_by',
        'draft_id',
      ])
      .orderBy('bpmn_process_id')
      .orderBy('version', 'desc')
      .execute()
    const counts = await db
      .selectFrom('process_instances')
      .select(['process_definition_key', 'state', sql<string>`count(*)::text`.as('n')])
      .groupBy(['process_definition_key', 'state'])
      .execute()
    const countOf = (key: string, state: string) =>
      Number(
        counts.find((c) => c.process_definition_key === key && c.state === state)?.n ?? '0',
      )
    const drafts = await this.deps.drafts.listDrafts({ kind: DraftKind.Process })
    const out = new Map<string, ProcessView>()
    for (const v of versions) {
      let p = out.get(v.bpmn_process_id)
      if (!p) {
        p = {
          bpmnProcessId: v.bpmn_process_id,
          name: v.name,
          latestVersion: v.version,
          versions: [],
          drafts: drafts.filter((d) => d.bpmnProcessId === v.bpmn_process_id),
        }
        out.set(v.bpmn_process_id, p)
      }
      p.versions.push({
        version: v.version,
        processDefinitionKey: v.process_definition_key,
        name: v.name,
        state: v.state,
        deployedAt: iso(v.deployed_at) ?? '',
        deployedBy: v.deployed_by,
        approvedBy: v.approved_by,
        draftId: v.draft_id,
        runningInstances: countOf(v.process_definition_key, 'active'),
        completedInstances: countOf(v.process_definition_key, 'completed'),
        cancelledInstances: countOf(v.process_definition_key, 'cancelled'),
      })
    }
    for (const d of drafts) {
      if (!out.has(d.bpmnProcessId)) {
        out.set(d.bpmnProcessId, {
          bpmnProcessId: d.bpmnProcessId,
          name: d.bpmnProcessId,
          latestVersion: 0,
          versions: [],
          drafts: drafts.filter((x) => x.bpmnProcessId === d.bpmnProcessId),
        })
      }
    }
    return [...out.values()]
  }

  /** One deployed version with its XML. */
  async getVersion(bpmnProcessId: string, version: number | 'latest') {
    let q = this.deps.db
      .selectFrom('process_versions')
      .selectAll()
      .where('bpmn_process_id', '=', bpmnProcessId)
    q = version === 'latest' ? q.orderBy('version', 'desc') : q.where('version', '=', version)
    const row = await q.executeTakeFirst()
    if (!row) throw new NotFoundError(`No deployed version ${version} of process ${bpmnProcessId}.`)
    return {
      bpmnProcessId: row.bpmn_process_id,
      version: row.version,
      processDefinitionKey: row.process_definition_key,
      name: row.name,
      state: row.state,
      xml: row.xml,
      deployedAt: iso(row.deployed_at),
      deployedBy: row.deployed_by,
      approvedBy: row.approved_by,
    }
  }

  /** The deployed version with this definition key (history replays on it). */
  async getVersionByKey(processDefinitionKey: string) {
    const row = await this.deps.db
      .selectFrom('process_versions')
      .selectAll()
      .where('process_definition_key', '=', processDefinitionKey)
      .executeTakeFirst()
    return row ?? null
  }
}
