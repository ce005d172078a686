/**
 * One requirement of ISO/IEC 20000-1:2011 and everything behind its counts in a period: the
 * procedure elements carrying it with the instances that passed through them (each opening the
 * replay at that element), the records and documents evidencing it, the tests proving it and
 * the evidence entries (the evidence page filtered to the requirement).
 */
import { formatDateTime } from '../../../lib/format'
import { Link } from '../../../lib/router'
import { Empty, ErrorBanner, Loading, Props } from '../../../lib/ui'
import { useApi } from '../../../lib/use-api'
import { recordHref, replayHref, statusLabel, type DrillDown } from '../api/compliance'

export default function RequirementPage({ id, query }: { id: string; query: URLSearchParams }) {
  const q = new URLSearchParams()
  for (const k of ['from', 'to']) if (query.get(k)) q.set(k, query.get(k)!)
  const { data, error, loading } = useApi<DrillDown>(
    `/compliance/requirements/${encodeURIComponent(id)}?${q.toString()}`,
  )
  if (loading && !data) return <Loading />
  if (error) return <ErrorBanner error={error} />
  if (!data) return null
  const r = data.requirement
  const evidenceHref = `/evidence?requirement=${encodeURIComponent(id)}`
  return (
    <div>
      <p className="small">
        <Link
          href={`/compliance?clause=${encodeURIComponent(r.clause.split('.').slice(0, 2).join('.'))}`}
        >
          ← Compliance
        </Link>
      </p>
      <h1>
        {r.id} <span className="small muted">clause {r.clause}</span>
      </h1>
      <p>{r.summary}</p>
      <Props
        entries={[
          [
            'Kind',
            r.kind === 'carried'
              ? 'Carried by the product'
              : `People’s conduct; recorded: ${r.recordable ?? ''}`,
          ],
          ['Status', statusLabel[r.status]],
          ['Period', `${formatDateTime(data.period.from)} – ${formatDateTime(data.period.to)}`],
          [
            'Evidence',
            `${r.counts.total} (instances ${r.counts.instances}, records ${r.counts.records}, documents ${r.counts.documents}, reviews ${r.counts.reviews}, reports ${r.counts.reports})`,
          ],
          ['2018 edition', r.iso2018 ?? '—'],
          [
            'Evidence entries',
            <Link key="e" href={evidenceHref}>
              Open the evidence entries
            </Link>,
          ],
        ]}
      />
      <section className="card" aria-labelledby="req-elements">
        <h2 id="req-elements">Procedure elements</h2>
        {r.elements.length === 0 ? (
          <Empty>No procedure step carries it.</Empty>
        ) : (
          <ul>
            {r.elements.map((e) => (
              <li key={e.ref}>
                {e.label} <code className="small">{e.ref}</code> — {e.evidence ?? 0} instance(s)
              </li>
            ))}
          </ul>
        )}
        <h3>Instances that passed through them</h3>
        {data.instances.length === 0 ? (
          <Empty>None in the period.</Empty>
        ) : (
          <table className="data" aria-label="Instances">
            <thead>
              <tr>
                <th>Instance</th>
                <th>Procedure</th>
                <th>Element</th>
                <th>Case</th>
                <th>When</th>
              </tr>
            </thead>
            <tbody>
              {data.instances.map((i) => (
                <tr key={`${i.processInstanceKey}/${i.elementId ?? ''}`}>
                  <td>
                    <Link href={replayHref(i.processInstanceKey, i.elementId)}>
                      Replay {i.processInstanceKey}
                    </Link>
                  </td>
                  <td>{i.bpmnProcessId}</td>
                  <td>{i.elementId}</td>
                  <td>
                    {i.caseKind && i.caseId ? (
                      <Link href={recordHref(i.caseKind, i.caseId)}>{i.caseId}</Link>
                    ) : (
                      '—'
                    )}
                  </td>
                  <td>{formatDateTime(i.at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section className="card" aria-labelledby="req-records">
        <h2 id="req-records">Records, documents, registers and reports</h2>
        <ul>
          {r.records.map((l) => (
            <li key={`${l.type}:${l.ref}`}>
              {l.label} {l.evidence !== null && `— ${l.evidence} in the period`}
            </li>
          ))}
        </ul>
        {data.records.length === 0 ? (
          <Empty>No records in the period.</Empty>
        ) : (
          <table className="data" aria-label="Records">
            <thead>
              <tr>
                <th>Record</th>
                <th>Action</th>
                <th>When</th>
              </tr>
            </thead>
            <tbody>
              {data.records.map((x) => (
                <tr key={`${x.entityType}/${x.entityId}`}>
                  <td>
                    <Link href={recordHref(x.entityType, x.entityId)}>
                      {x.entityType} {x.entityId}
                    </Link>
                  </td>
                  <td>{x.action}</td>
                  <td>{formatDateTime(x.at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {data.truncated && <p className="small muted">The list is cut at its limit.</p>}
      </section>
      <section className="card" aria-labelledby="req-tests">
        <h2 id="req-tests">Tests that prove it</h2>
        {r.tests.length === 0 ? (
          <Empty>No test names it.</Empty>
        ) : (
          <ul className="small">
            {r.tests.map((t) => (
              <li key={`${t.file}:${t.line}`}>
                <code>
                  {t.file}:{t.line}
                </code>{' '}
                {t.name}
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  )
}
