/**
 * Competence and responsibilities (ISO/IEC 20000-1 4.4.2, 4.1.3): the competence matrix (what
 * each role requires, who holds the role, their gaps), people's training and qualifications,
 * and the RACI of each procedure.
 */
import { Link } from '../../../lib/router'
import { ErrorBanner, Loading, StatusBadge } from '../../../lib/ui'
import { useApi } from '../../../lib/use-api'
import type { CompetenceMatrix, Raci } from '../api/sms'
import { RaciTable } from './RaciTable'

export default function CompetencePage() {
  const m = useApi<CompetenceMatrix>('/sms/competence')
  const raci = useApi<{ items: Raci[] }>('/sms/raci')
  const data = m.data
  const name = (id: string) => data?.competences.find((c) => c.id === id)?.name ?? id
  return (
    <div>
      <h1>Competence and responsibilities</h1>
      <ErrorBanner error={m.error ?? raci.error} />
      {m.loading && !data && <Loading />}
      {data && (
        <>
          <section className="card" aria-labelledby="matrix">
            <h2 id="matrix" style={{ marginTop: 0 }}>
              Competence matrix (4.4.2)
            </h2>
            <table className="data" aria-label="Competence matrix">
              <thead>
                <tr>
                  <th>Role</th>
                  <th>Requires</th>
                  <th>Holders</th>
                  <th>Gaps</th>
                </tr>
              </thead>
              <tbody>
                {data.roles.map((r) => (
                  <tr key={r.role}>
                    <td>{r.role}</td>
                    <td>{r.requires.map(name).join(', ')}</td>
                    <td>{r.holders.join(', ') || '—'}</td>
                    <td>
                      {r.gaps.length === 0
                        ? 'none'
                        : r.gaps.map((g) => (
                            <div key={`${g.username}-${g.competenceId}`}>
                              {g.username}: {g.competence}{' '}
                              <StatusBadge status={g.reason === 'planned' ? 'warn' : 'breached'} />{' '}
                              {g.reason}
                            </div>
                          ))}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
          <section className="card" aria-labelledby="training">
            <h2 id="training" style={{ marginTop: 0 }}>
              Training and qualifications
            </h2>
            <table className="data" aria-label="Training and qualifications">
              <thead>
                <tr>
                  <th>Person</th>
                  <th>Competence</th>
                  <th>Record</th>
                  <th>Status</th>
                  <th>Planned for</th>
                  <th>Achieved</th>
                  <th>Expires</th>
                  <th>Evidence</th>
                </tr>
              </thead>
              <tbody>
                {data.records.map((r) => (
                  <tr key={r.id}>
                    <td>{r.username}</td>
                    <td>{name(r.competenceId)}</td>
                    <td>
                      {r.title} ({r.kind})
                    </td>
                    <td>
                      <StatusBadge status={r.status} />
                    </td>
                    <td>{r.plannedFor ?? '—'}</td>
                    <td>{r.achievedAt ?? '—'}</td>
                    <td>{r.expiresAt ?? '—'}</td>
                    <td>{r.evidence || '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        </>
      )}
      <section className="card" aria-labelledby="raci">
        <h2 id="raci" style={{ marginTop: 0 }}>
          Responsibilities per procedure (4.1.3)
        </h2>
        <p className="small">
          SMS managers set them up and edit them under{' '}
          <Link href="/sms/raci">Roles and responsibilities</Link>.
        </p>
        {(raci.data?.items ?? [])
          .filter((r) => r.subjectType === 'process')
          .map((r) => (
            <div key={r.subjectId}>
              <h3>{r.subjectId}</h3>
              <RaciTable raci={r} label={`RACI of ${r.subjectId}`} />
            </div>
          ))}
      </section>
    </div>
  )
}
