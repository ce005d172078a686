/**
 * An edit of a supplier contract in force (ISO/IEC 20000-1 7.2, 9.2): its title, status and term
 * are changed only through a change, so the form proposes the edit, with its diff, to an RFC.
 */
import { useId, useState, type FormEvent } from 'react'
import { ErrorBanner } from '../../../lib/ui'
import { ProposeThroughChange, type DiffRow } from './ProposeThroughChange'

/** A contract as `GET /api/suppliers/:id/contracts` lists it. */
export interface ContractView {
  id: string
  title: string
  status: string
  startsOn: string | null
  endsOn: string | null
}

const statuses = ['draft', 'active', 'expired', 'terminated'] as const

export function ContractProposal({
  contract,
  onClose,
}: {
  contract: ContractView
  onClose: () => void
}) {
  const id = useId()
  const [title, setTitle] = useState(contract.title)
  const [status, setStatus] = useState(contract.status)
  const [startsOn, setStartsOn] = useState(contract.startsOn ?? '')
  const [endsOn, setEndsOn] = useState(contract.endsOn ?? '')
  const [error, setError] = useState<Error>()
  const [proposal, setProposal] = useState<{ patch: Record<string, unknown>; diff: DiffRow[] }>()
  function next(e: FormEvent) {
    e.preventDefault()
    const patch: Record<string, unknown> = {}
    const diff: DiffRow[] = []
    const put = (key: string, label: string, before: string | null, after: string | null) => {
      if ((before ?? '') === (after ?? '')) return
      patch[key] = after
      diff.push([label, before, after])
    }
    put('title', 'Title', contract.title, title)
    put('status', 'Status', contract.status, status)
    put('startsOn', 'Starts on', contract.startsOn, startsOn || null)
    put('endsOn', 'Ends on', contract.endsOn, endsOn || null)
    if (!diff.length) {
      setError(new Error('Nothing was changed: there is no edit to propose.'))
      return
    }
    setError(undefined)
    setProposal({ patch, diff })
  }
  if (proposal) {
    return (
      <ProposeThroughChange
        targetKind="contract"
        targetId={contract.id}
        patch={proposal.patch}
        diff={proposal.diff}
        defaultTitle={`Amend contract ${contract.id} ${contract.title}`}
        onCancel={() => setProposal(undefined)}
      />
    )
  }
  return (
    <form aria-label={`Edit contract ${contract.id}`} onSubmit={next} className="card">
      <div className="grid-2">
        <div className="field">
          <label htmlFor={`${id}-title`}>Title</label>
          <input
            id={`${id}-title`}
            value={title}
            required
            maxLength={300}
            onChange={(e) => setTitle(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-status`}>Status</label>
          <select id={`${id}-status`} value={status} onChange={(e) => setStatus(e.target.value)}>
            {statuses.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-starts`}>Starts on</label>
          <input
            id={`${id}-starts`}
            type="date"
            value={startsOn}
            onChange={(e) => setStartsOn(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-ends`}>Ends on</label>
          <input
            id={`${id}-ends`}
            type="date"
            value={endsOn}
            onChange={(e) => setEndsOn(e.target.value)}
          />
        </div>
      </div>
      <ErrorBanner error={error} />
      <div className="row">
        <button type="submit" className="primary">
          Propose edit through a change
        </button>
        <button type="button" onClick={onClose}>
          Cancel
        </button>
      </div>
    </form>
  )
}
