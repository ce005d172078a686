/**
 * The standard change catalogue (ISO/IEC 20000-1 9.2: standard changes are defined and
 * pre-authorised): each model with its risk, tasks and scope, the RFC that approved its current
 * version and who decided it in the CAB. A model enters, is revised or retired only through a
 * normal change: proposing one attaches it to an RFC, whose implementation makes it active.
 */
import { useId, useState, type FormEvent } from 'react'
import { formatDateTime } from '../../../lib/format'
import { Link } from '../../../lib/router'
import { Empty, ErrorBanner, Loading, StatusBadge } from '../../../lib/ui'
import { useApi } from '../../../lib/use-api'
import { hasRole, type User } from '../../../lib/user'
import { normalizeList } from '../api/cases'
import {
  editsPath,
  lines,
  modelsPath,
  type ModelPatch,
  type RecordEdit,
  type StandardChangeModel,
} from '../api/change-control'
import { ProposeThroughChange, type DiffRow } from './ProposeThroughChange'

const rfcLink = (id: string) => <Link href={`/cases/changes/${encodeURIComponent(id)}`}>{id}</Link>

/** A multi-select of records (CIs or services) by id and name. */
function RecordSelect({
  label,
  path,
  value,
  onChange,
}: {
  label: string
  path: string
  value: string[]
  onChange: (ids: string[]) => void
}) {
  const id = useId()
  const list = useApi<unknown>(path)
  const items = normalizeList(list.data).items
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select
        id={id}
        multiple
        size={6}
        value={value}
        onChange={(e) => onChange([...e.target.selectedOptions].map((o) => o.value))}
      >
        {items.map((r) => (
          <option key={String(r.id)} value={String(r.id)}>
            {String(r.id)} {String(r.name ?? '')}
          </option>
        ))}
      </select>
      <ErrorBanner error={list.error} />
    </div>
  )
}

/** The fields of a new model, then the RFC that will approve it. */
function ProposeModel({ onDone }: { onDone: () => void }) {
  const id = useId()
  const [name, setName] = useState('')
  const [description, setDescription] = useState('')
  const [risk, setRisk] = useState('')
  const [tasks, setTasks] = useState('')
  const [ciIds, setCiIds] = useState<string[]>([])
  const [serviceIds, setServiceIds] = useState<string[]>([])
  const [error, setError] = useState('')
  const [patch, setPatch] = useState<ModelPatch>()
  function next(e: FormEvent) {
    e.preventDefault()
    if (!ciIds.length && !serviceIds.length) {
      setError('A model has a scope: choose at least one CI or service it may change.')
      return
    }
    setError('')
    setPatch({
      name,
      ...(description ? { description } : {}),
      risk,
      tasks: lines(tasks),
      ciIds,
      serviceIds,
    })
  }
  if (patch) {
    const diff: DiffRow[] = Object.entries(patch).map(([k, v]) => [k, undefined, v])
    return (
      <ProposeThroughChange
        targetKind="standard-change-model"
        patch={patch as Record<string, unknown>}
        diff={diff}
        ciId={ciIds.length === 1 ? ciIds[0] : undefined}
        defaultTitle={`Standard change model: ${name}`}
        normalOnly
        onCancel={() => setPatch(undefined)}
        onAttached={onDone}
      />
    )
  }
  return (
    <section className="card" role="form" aria-label="Propose a standard change model">
      <h2>Propose a standard change model</h2>
      <p className="small muted">
        The model is approved once through a normal change: its risk is assessed and the CAB
        decides; the change&apos;s implementation puts it in the catalogue.
      </p>
      <form onSubmit={next}>
        <div className="grid-2">
          <div className="field">
            <label htmlFor={`${id}-name`}>Name *</label>
            <input
              id={`${id}-name`}
              value={name}
              required
              maxLength={200}
              onChange={(e) => setName(e.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor={`${id}-risk`}>Risk *</label>
            <input
              id={`${id}-risk`}
              value={risk}
              required
              maxLength={20000}
              onChange={(e) => setRisk(e.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor={`${id}-description`}>Description</label>
            <textarea
              id={`${id}-description`}
              value={description}
              maxLength={20000}
              onChange={(e) => setDescription(e.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor={`${id}-tasks`}>Tasks * (one a line)</label>
            <textarea
              id={`${id}-tasks`}
              value={tasks}
              required
              onChange={(e) => setTasks(e.target.value)}
            />
          </div>
          <RecordSelect
            label="CIs in scope"
            path="/cis?limit=200"
            value={ciIds}
            onChange={setCiIds}
          />
          <RecordSelect
            label="Services in scope"
            path="/services?limit=200"
            value={serviceIds}
            onChange={setServiceIds}
          />
        </div>
        {error && (
          <p role="alert" className="banner error">
            {error}
          </p>
        )}
        <button type="submit" className="primary">
          Next: choose the RFC
        </button>
      </form>
    </section>
  )
}

function ModelRow({
  model,
  canPropose,
  retiring,
  onRetire,
}: {
  model: StandardChangeModel
  canPropose: boolean
  retiring: boolean
  onRetire: () => void
}) {
  const a = model.approval
  return (
    <tr id={model.id}>
      <td>
        <strong>
          {model.id} {model.name}
        </strong>
        {model.description && <div className="small muted">{model.description}</div>}
      </td>
      <td>{model.risk}</td>
      <td>
        <ol className="small">
          {model.tasks.map((t, i) => (
            <li key={i}>{t}</li>
          ))}
        </ol>
      </td>
      <td className="small">{[...model.ciIds, ...model.serviceIds].join(', ')}</td>
      <td>v{model.version}</td>
      <td className="small">
        {rfcLink(model.approvedByChange)} {a?.changeTitle}
        <div className="muted">
          CAB: {a?.decidedBy ?? '—'}
          {a?.decidedAt ? ` · ${formatDateTime(a.decidedAt)}` : ''}
        </div>
      </td>
      <td>
        <StatusBadge status={model.status} />
      </td>
      <td>
        {canPropose && model.status === 'active' && !retiring && (
          <button onClick={onRetire} aria-label={`Retire ${model.id}`}>
            Retire…
          </button>
        )}
      </td>
    </tr>
  )
}

export default function StandardChangesPage({ user }: { user: User }) {
  const models = useApi<StandardChangeModel[]>(modelsPath)
  const pending = useApi<RecordEdit[]>(
    editsPath({ targetKind: 'standard-change-model', state: 'pending' }),
  )
  const [proposing, setProposing] = useState(false)
  const [retire, setRetire] = useState<StandardChangeModel>()
  const canPropose = hasRole(user, 'admin', 'staff')
  const list = models.data ?? []
  return (
    <div>
      <div className="row">
        <h1>Standard change catalogue</h1>
        <span className="spacer" />
        {canPropose && !proposing && (
          <button className="primary" onClick={() => setProposing(true)}>
            Propose a model
          </button>
        )}
      </div>
      <p className="muted">
        Pre-approved standard changes (9.2). A standard change picks one of the active models and
        must stay within its scope; it then skips assessment and the CAB.
      </p>
      {proposing && <ProposeModel onDone={pending.reload} />}
      {retire && (
        <ProposeThroughChange
          key={retire.id}
          targetKind="standard-change-model"
          targetId={retire.id}
          patch={{ status: 'retired' }}
          diff={[[`Status of ${retire.id}`, retire.status, 'retired']]}
          defaultTitle={`Retire the standard change model ${retire.id} ${retire.name}`}
          normalOnly
          onCancel={() => setRetire(undefined)}
          onAttached={pending.reload}
        />
      )}
      <ErrorBanner error={models.error} />
      {models.loading && !models.data && <Loading />}
      {models.data && !list.length && <Empty>No standard change model yet.</Empty>}
      {list.length > 0 && (
        <table className="data" aria-label="Standard change models">
          <thead>
            <tr>
              <th scope="col">Model</th>
              <th scope="col">Risk</th>
              <th scope="col">Tasks</th>
              <th scope="col">Scope</th>
              <th scope="col">Version</th>
              <th scope="col">Approved through</th>
              <th scope="col">Status</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.map((m) => (
              <ModelRow
                key={m.id}
                model={m}
                canPropose={canPropose}
                retiring={retire?.id === m.id}
                onRetire={() => setRetire(m)}
              />
            ))}
          </tbody>
        </table>
      )}
      <section className="card" aria-labelledby="pending-models" style={{ marginTop: '1rem' }}>
        <h2 id="pending-models">Proposed, awaiting their change</h2>
        <ErrorBanner error={pending.error} />
        {pending.data && !pending.data.length && <p className="muted">None.</p>}
        <ul className="list-plain">
          {(pending.data ?? []).map((e) => (
            <li key={e.id}>
              {e.targetId ? `${String(e.patch.status ?? 'Revision')} of ${e.targetId}` : 'New'}{' '}
              <strong>{String(e.patch.name ?? '')}</strong> through {rfcLink(e.changeId)}{' '}
              {e.changeTitle} <StatusBadge status={e.changeStatus} /> · proposed by {e.createdBy}
            </li>
          ))}
        </ul>
      </section>
    </div>
  )
}
