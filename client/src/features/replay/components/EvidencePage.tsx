/** The audit trail (4.3.3 / 9.2): hash-chained evidence entries, filters, chain verification. */
import { useState } from 'react'
import { api } from '../../../lib/api'
import { download, formatDateTime, formatValue } from '../../../lib/format'
import { Empty, ErrorBanner, Loading } from '../../../lib/ui'
import { useApi, withQuery } from '../../../lib/use-api'

type Entry = Record<string, unknown>

const REQUIREMENT_ID = /^[4-9](\.[0-9]{1,2}){0,3}-([a-l]|[0-9]{1,2})$/

export default function EvidencePage({
  requirement: initialRequirement,
  entityId,
}: {
  /** A requirement id of ISO/IEC 20000-1:2011 (`8.1-c`): only the entries evidencing it. */
  requirement?: string | null
  entityId?: string | null
} = {}) {
  const [actor, setActor] = useState('')
  const [entity, setEntity] = useState(entityId ?? '')
  const [requirement, setRequirement] = useState(initialRequirement ?? '')
  // keyset paging: each page starts after the last sequence number of the one before
  const [cursors, setCursors] = useState<number[]>([0])
  const afterSeq = cursors[cursors.length - 1]
  const path = withQuery('/evidence', {
    actor,
    entityId: entity,
    // only a whole id: a half-typed one would answer 400
    requirement: REQUIREMENT_ID.test(requirement.trim()) ? requirement.trim() : '',
    afterSeq,
    limit: 50,
  })
  const list = useApi<Entry[] | { items: Entry[]; total: number }>(path)
  const [verify, setVerify] = useState<Record<string, unknown>>()
  const [verifyError, setVerifyError] = useState<unknown>()
  const items = Array.isArray(list.data) ? list.data : (list.data?.items ?? [])
  return (
    <div>
      <div className="row">
        <h1>Evidence</h1>
        <span className="spacer" />
        <button
          onClick={() =>
            api<Record<string, unknown>>('/evidence/verify').then(setVerify, setVerifyError)
          }
        >
          Verify chain
        </button>
        <button
          onClick={() => download('evidence.json', JSON.stringify(items, null, 2))}
          disabled={!items.length}
        >
          Export
        </button>
      </div>
      {verify && (
        <div className={`banner ${verify.ok ? 'ok' : 'error'}`} role="status">
          {verify.ok
            ? `The evidence chain is intact (${String(verify.entries)} entries).`
            : `The chain is broken at entry ${String(verify.brokenAt)} (${String(verify.kind)}): ${String(verify.reason)}`}
          {verify.ok === true && verify.checkpoint !== undefined && (
            <>
              {' '}
              <button
                onClick={() =>
                  download(
                    `evidence-checkpoint-${String(verify.headSeq)}.json`,
                    JSON.stringify(verify.checkpoint, null, 2),
                  )
                }
              >
                Keep signed checkpoint
              </button>
            </>
          )}
        </div>
      )}
      <ErrorBanner error={verifyError} />
      <div className="toolbar" role="search" aria-label="Filter evidence">
        <div className="field">
          <label htmlFor="f-evidence-actor">Actor</label>
          <input
            id="f-evidence-actor"
            value={actor}
            onChange={(e) => {
              setActor(e.target.value)
              setCursors([0])
            }}
          />
        </div>
        <div className="field">
          <label htmlFor="f-evidence-requirement">Requirement</label>
          <input
            id="f-evidence-requirement"
            value={requirement}
            placeholder="e.g. 8.1-c"
            onChange={(e) => {
              setRequirement(e.target.value)
              setCursors([0])
            }}
          />
        </div>
        <div className="field">
          <label htmlFor="f-evidence-entity-id">Entity id</label>
          <input
            id="f-evidence-entity-id"
            value={entity}
            onChange={(e) => {
              setEntity(e.target.value)
              setCursors([0])
            }}
          />
        </div>
      </div>
      <ErrorBanner error={list.error} />
      {list.loading && !list.data && <Loading />}
      {list.data && items.length === 0 && <Empty>No evidence entries.</Empty>}
      {items.length > 0 && (
        <table className="data" aria-label="Evidence entries">
          <thead>
            <tr>
              <th>Seq</th>
              <th>When</th>
              <th>Actor</th>
              <th>Action</th>
              <th>Entity</th>
              <th>Hash</th>
            </tr>
          </thead>
          <tbody>
            {items.map((e, i) => (
              <tr key={String(e.seq ?? i)}>
                <td>{formatValue(e.seq)}</td>
                <td>{formatDateTime(e.at as string)}</td>
                <td>{formatValue(e.actor)}</td>
                <td>{formatValue(e.action)}</td>
                <td>
                  {formatValue(e.entityType ?? e.entity_type)}{' '}
                  {formatValue(e.entityId ?? e.entity_id)}
                </td>
                <td>
                  <code>{String(e.hash ?? '').slice(0, 12)}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <nav className="pager" aria-label="Pagination">
        <button disabled={cursors.length < 2} onClick={() => setCursors(cursors.slice(0, -1))}>
          Previous
        </button>
        <button
          disabled={items.length < 50}
          onClick={() => setCursors([...cursors, Number(items[items.length - 1]?.seq ?? 0)])}
        >
          Next
        </button>
      </nav>
    </div>
  )
}
