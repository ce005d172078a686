/**
 * Processes operated by other parties (ISO/IEC 20000-1 4.2): who runs which process or part,
 * under which agreement (a controlled document), how it is governed, its targets (OLAs with
 * internal groups) and the performance measured against them.
 */
import { useState, type FormEvent } from 'react'
import { Link } from '../../../lib/router'
import { Empty, ErrorBanner, Loading, StatusBadge } from '../../../lib/ui'
import { useApi } from '../../../lib/use-api'
import type { User } from '../../../lib/user'
import { createParty, isSmsManager, type PartyProcess } from '../api/sms'

function NewParty({ owner, onCreated }: { owner: string; onCreated: () => void }) {
  const [form, setForm] = useState({
    process: '',
    part: '',
    partyType: 'internal-group',
    party: '',
    governance: '',
  })
  const [error, setError] = useState<unknown>()
  async function submit(e: FormEvent) {
    e.preventDefault()
    try {
      await createParty({ ...form, owner })
      setError(undefined)
      onCreated()
    } catch (err) {
      setError(err)
    }
  }
  const set = (k: keyof typeof form, v: string) => setForm((f) => ({ ...f, [k]: v }))
  return (
    <form
      className="card"
      onSubmit={(e) => void submit(e)}
      aria-label="Register a process operated by another party"
    >
      <h2 style={{ marginTop: 0 }}>Register a process operated by another party</h2>
      <div className="row" style={{ flexWrap: 'wrap', alignItems: 'end' }}>
        <div className="field">
          <label htmlFor="party-process">Process</label>
          <input
            id="party-process"
            value={form.process}
            onChange={(e) => set('process', e.target.value)}
            required
          />
        </div>
        <div className="field">
          <label htmlFor="party-part">Part operated</label>
          <input
            id="party-part"
            value={form.part}
            onChange={(e) => set('part', e.target.value)}
            required
          />
        </div>
        <div className="field">
          <label htmlFor="party-type">Party</label>
          <select
            id="party-type"
            value={form.partyType}
            onChange={(e) => set('partyType', e.target.value)}
          >
            <option value="internal-group">Internal group</option>
            <option value="supplier">Supplier</option>
            <option value="customer">Customer</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="party-name">Group, supplier id or customer</label>
          <input
            id="party-name"
            value={form.party}
            onChange={(e) => set('party', e.target.value)}
            required
          />
        </div>
        <div className="field">
          <label htmlFor="party-governance">Governance</label>
          <input
            id="party-governance"
            value={form.governance}
            onChange={(e) => set('governance', e.target.value)}
          />
        </div>
        <button type="submit">Register</button>
      </div>
      <ErrorBanner error={error} />
    </form>
  )
}

export default function PartiesPage({ user }: { user: User }) {
  const list = useApi<{ items: PartyProcess[] }>('/sms/parties')
  const items = list.data?.items ?? []
  return (
    <div>
      <h1>Processes operated by other parties</h1>
      <p className="muted small">
        4.2: the provider keeps accountability for processes or parts operated by suppliers,
        internal groups or customers, and governs them through agreements, targets and measured
        performance.
      </p>
      {isSmsManager(user) && <NewParty owner={user.username} onCreated={list.reload} />}
      <ErrorBanner error={list.error} />
      {list.loading && !list.data && <Loading />}
      {list.data && items.length === 0 && (
        <Empty>No process operated by another party registered.</Empty>
      )}
      {items.length > 0 && (
        <table className="data" aria-label="Processes operated by other parties">
          <thead>
            <tr>
              <th>Id</th>
              <th>Process</th>
              <th>Part</th>
              <th>Party</th>
              <th>Owner</th>
              <th>Agreement</th>
              <th>Governance</th>
              <th>Targets and last measurement</th>
            </tr>
          </thead>
          <tbody>
            {items.map((p) => (
              <tr key={p.id}>
                <td>{p.id}</td>
                <td>{p.process}</td>
                <td>{p.part}</td>
                <td>
                  {p.party} ({p.partyType})
                </td>
                <td>{p.owner}</td>
                <td>
                  {p.agreementDocumentId ? (
                    <Link href={`/sms/documents/${encodeURIComponent(p.agreementDocumentId)}`}>
                      {p.agreementDocumentId}
                    </Link>
                  ) : (
                    '—'
                  )}
                </td>
                <td>{p.governance || '—'}</td>
                <td>
                  {p.targets.map((t) => {
                    const last = [...p.measurements].reverse().find((m) => m.name === t.name)
                    return (
                      <div key={t.name}>
                        {t.name}: {t.direction === 'at-least' ? '≥' : '≤'} {t.target} {t.unit}
                        {last && (
                          <>
                            {' '}
                            · {last.period}: {last.value}{' '}
                            <StatusBadge status={last.met ? 'met' : 'breached'} />
                          </>
                        )}
                      </div>
                    )
                  })}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  )
}
