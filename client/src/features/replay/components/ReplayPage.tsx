/**
 * Replay (auditors): the exact BPMN version an instance ran on, the path taken drawn on it, a
 * timeline to step through (moves the highlight), who/when/data per step, the evidence chain
 * status, and export as JSON or a printable report.
 */
import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer'
import 'bpmn-js/dist/assets/diagram-js.css'
import 'bpmn-js/dist/assets/bpmn-js.css'
import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react'
import { download, formatDateTime } from '../../../lib/format'
import { Link, navigate } from '../../../lib/router'
import { Empty, ErrorBanner, Loading, Props, StatusBadge } from '../../../lib/ui'
import { useApi, withQuery } from '../../../lib/use-api'
import {
  openIncidentsAt,
  pathAt,
  startIndex,
  type InstanceHistory,
  type InstanceSummary,
} from '../api/history'

interface Canvas {
  addMarker(id: string, marker: string): void
  removeMarker(id: string, marker: string): void
  zoom(level: 'fit-viewport', center?: 'auto'): void
}
interface Registry {
  get(id: string): unknown
  getAll(): { id: string }[]
}
interface Overlays {
  add(id: string, type: string, o: { position: Record<string, number>; html: HTMLElement }): string
  remove(f: { type: string }): void
}

const markers = [
  'marker-completed',
  'marker-taken',
  'marker-active',
  'marker-incident',
  'marker-current',
]

function Picker({ process, version }: { process: string | null; version: string | null }) {
  const [key, setKey] = useState('')
  const [caseKind, setCaseKind] = useState('incidents')
  const [caseId, setCaseId] = useState('')
  const [caseError, setCaseError] = useState<unknown>()
  const list = useApi<InstanceSummary[] | { items: InstanceSummary[] }>(
    withQuery('/process-instances', { bpmnProcessId: process, version }),
  )
  const items = Array.isArray(list.data) ? list.data : (list.data?.items ?? [])
  async function openCase(e: FormEvent) {
    e.preventDefault()
    setCaseError(undefined)
    try {
      const res = await fetch(`/api/${caseKind}/${encodeURIComponent(caseId)}`, {
        credentials: 'same-origin',
      })
      if (!res.ok) throw new Error(`Case ${caseId} not found (${res.status}).`)
      const c = (await res.json()) as {
        processInstances?: { processInstanceKey?: string; key?: string }[]
      }
      const first = c.processInstances?.[0]
      const k = first?.processInstanceKey ?? first?.key
      if (!k) throw new Error(`Case ${caseId} has no process instance.`)
      navigate(`/replay?instance=${encodeURIComponent(k)}`)
    } catch (err) {
      setCaseError(err)
    }
  }
  return (
    <div>
      <h1>Replay</h1>
      <div className="grid-2">
        <form
          className="card row"
          onSubmit={(e) => {
            e.preventDefault()
            navigate(`/replay?instance=${encodeURIComponent(key)}`)
          }}
        >
          <div className="field">
            <label htmlFor="f-replay-process-instance-key">Process instance key</label>
            <input
              id="f-replay-process-instance-key"
              value={key}
              onChange={(e) => setKey(e.target.value)}
              required
              inputMode="numeric"
            />
          </div>
          <button type="submit">Open</button>
        </form>
        <form className="card row" onSubmit={(e) => void openCase(e)}>
          <div className="field">
            <label htmlFor="f-replay-case-kind">Case kind</label>
            <select
              id="f-replay-case-kind"
              value={caseKind}
              onChange={(e) => setCaseKind(e.target.value)}
            >
              {[
                'incidents',
                'service-requests',
                'problems',
                'changes',
                'releases',
                'improvements',
              ].map((k) => (
                <option key={k}>{k}</option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="f-replay-case-id">Case id</label>
            <input
              id="f-replay-case-id"
              value={caseId}
              onChange={(e) => setCaseId(e.target.value)}
              required
              placeholder="INC-000001"
            />
          </div>
          <button type="submit">Open case</button>
          <ErrorBanner error={caseError} />
        </form>
      </div>
      <h2 style={{ marginTop: '1rem' }}>
        Instances{process && ` of ${process}`}
        {version && ` v${version}`}
      </h2>
      <ErrorBanner error={list.error} />
      {list.loading && !list.data && <Loading />}
      {list.data && items.length === 0 && <Empty>No instances.</Empty>}
      {items.length > 0 && (
        <table className="data" aria-label="Process instances">
          <thead>
            <tr>
              <th>Instance</th>
              <th>Process</th>
              <th>State</th>
              <th>Case</th>
              <th>Started</th>
            </tr>
          </thead>
          <tbody>
            {items.map((i) => {
              const k = String(i.key ?? i.processInstanceKey)
              return (
                <tr key={k}>
                  <td>
                    <a
                      href={`/replay?instance=${k}`}
                      onClick={(e) => {
                        e.preventDefault()
                        navigate(`/replay?instance=${k}`)
                      }}
                    >
                      {k}
                    </a>
                  </td>
                  <td>
                    {i.bpmnProcessId} v{i.version}
                  </td>
                  <td>
                    <StatusBadge status={i.state} />
                  </td>
                  <td>{i.caseId ?? '—'}</td>
                  <td>{formatDateTime(i.startedAt)}</td>
                </tr>
              )
            })}
          </tbody>
        </table>
      )}
    </div>
  )
}

function Replay({ instanceKey, element }: { instanceKey: string; element?: string | null }) {
  const { data, error, loading } = useApi<InstanceHistory>(
    `/process-instances/${encodeURIComponent(instanceKey)}/history`,
  )
  const container = useRef<HTMLDivElement>(null)
  const viewer = useRef<NavigatedViewer | null>(null)
  const [ready, setReady] = useState(false)
  const [index, setIndex] = useState(0)
  const [importError, setImportError] = useState<unknown>()
  const steps = useMemo(
    () => [...(data?.steps ?? [])].sort((a, b) => a.position - b.position),
    [data],
  )

  useEffect(() => {
    if (!data) return
    const v = new NavigatedViewer({ container: container.current! })
    viewer.current = v
    v.importXML(data.xml).then(
      () => {
        v.get<Canvas>('canvas').zoom('fit-viewport', 'auto')
        setIndex(startIndex(steps, element))
        setReady(true)
      },
      (err: unknown) => setImportError(err),
    )
    return () => {
      v.destroy()
      viewer.current = null
      setReady(false)
    }
  }, [data, steps, element])

  useEffect(() => {
    const v = viewer.current
    if (!ready || !v || !data) return
    const canvas = v.get<Canvas>('canvas')
    const registry = v.get<Registry>('elementRegistry')
    const overlays = v.get<Overlays>('overlays')
    for (const el of registry.getAll()) for (const m of markers) canvas.removeMarker(el.id, m)
    overlays.remove({ type: 'incident' })
    const { completed, active, taken } = pathAt(steps, index)
    const mark = (id: string, m: string) => registry.get(id) && canvas.addMarker(id, m)
    completed.forEach((id) => mark(id, 'marker-completed'))
    taken.forEach((id) => mark(id, 'marker-taken'))
    active.forEach((id) => mark(id, 'marker-active'))
    const at = steps[index]?.position ?? Infinity
    for (const inc of openIncidentsAt(data.incidents, at)) {
      if (!inc.elementId || !registry.get(inc.elementId)) continue
      canvas.addMarker(inc.elementId, 'marker-incident')
      const html = document.createElement('div')
      html.className = 'incident-overlay'
      html.textContent = 'incident'
      html.title = inc.errorMessage ?? ''
      overlays.add(inc.elementId, 'incident', { position: { bottom: 4, left: 0 }, html })
    }
    const current = steps[index]
    if (current) mark(current.elementId, 'marker-current')
  }, [ready, index, steps, data])

  if (loading && !data) return <Loading />
  if (error) return <ErrorBanner error={error} />
  if (!data) return null
  const step = steps[index]
  const prevPos = index > 0 ? steps[index - 1]!.position : -Infinity
  const vars = step
    ? data.variables.filter((v) => v.position > prevPos && v.position <= step.position)
    : []
  const task = step ? data.tasks.find((t) => t.elementId === step.elementId) : undefined
  const { instance } = data
  const verification = data.evidence?.verification
  const evidence = data.evidence?.entries ?? []
  return (
    <div>
      <div className="row">
        <h1 style={{ margin: 0 }}>
          {instance.bpmnProcessId} v{instance.version} · {instance.key}
        </h1>
        <StatusBadge status={instance.state} />
        {verification?.ok ? (
          <span className="badge ok" data-testid="evidence-status">
            Evidence chain intact
            {verification.entries !== undefined && ` (${verification.entries} entries)`}
          </span>
        ) : verification ? (
          <span className="badge danger" data-testid="evidence-status" title={verification.reason}>
            Evidence chain broken
            {verification.brokenAt !== undefined && ` at entry ${verification.brokenAt}`}
          </span>
        ) : (
          <span className="badge" data-testid="evidence-status">
            Evidence chain not available
          </span>
        )}
        <span className="spacer" />
        <button
          onClick={() => download(`instance-${instance.key}.json`, JSON.stringify(data, null, 2))}
        >
          Export JSON
        </button>
        <a
          className="btn"
          href={`/api/process-instances/${encodeURIComponent(instance.key)}/history.html`}
          target="_blank"
          rel="noreferrer"
        >
          Printable report
        </a>
      </div>
      <p className="small muted">
        Started {formatDateTime(instance.startedAt)}
        {instance.endedAt && ` · ended ${formatDateTime(instance.endedAt)}`}
        {instance.caseId && ` · case ${instance.caseId}`} · definition{' '}
        {instance.processDefinitionKey}
      </p>
      <ErrorBanner error={importError} />
      <div
        ref={container}
        className="canvas"
        aria-label="Diagram of the version this instance ran on"
      />
      <div className="grid-2" style={{ marginTop: '0.75rem' }}>
        <section className="card" aria-labelledby="timeline-title">
          <div className="row">
            <h2 id="timeline-title" style={{ margin: 0 }}>
              Timeline
            </h2>
            <span className="spacer" />
            <button onClick={() => setIndex(0)} disabled={index === 0} aria-label="First step">
              «
            </button>
            <button onClick={() => setIndex((i) => Math.max(0, i - 1))} disabled={index === 0}>
              Previous
            </button>
            <span className="small" aria-live="polite" data-testid="step-counter">
              Step {steps.length ? index + 1 : 0} of {steps.length}
            </span>
            <button
              onClick={() => setIndex((i) => Math.min(steps.length - 1, i + 1))}
              disabled={index >= steps.length - 1}
            >
              Next
            </button>
            <button
              onClick={() => setIndex(steps.length - 1)}
              disabled={index >= steps.length - 1}
              aria-label="Last step"
            >
              »
            </button>
          </div>
          <ol
            className="list-plain timeline"
            aria-label="Steps"
            tabIndex={0}
            aria-keyshortcuts="ArrowUp ArrowDown Home End"
            onKeyDown={(e) => {
              const last = steps.length - 1
              const next: Record<string, number> = {
                ArrowDown: Math.min(last, index + 1),
                ArrowRight: Math.min(last, index + 1),
                ArrowUp: Math.max(0, index - 1),
                ArrowLeft: Math.max(0, index - 1),
                Home: 0,
                End: last,
              }
              if (e.key in next) {
                e.preventDefault()
                setIndex(next[e.key]!)
              }
            }}
          >
            {steps.map((s, i) => (
              <li key={s.position}>
                <button aria-current={i === index ? 'step' : undefined} onClick={() => setIndex(i)}>
                  <span className="muted small">{formatDateTime(s.timestamp)}</span>{' '}
                  {s.intent.replace('ELEMENT_', '').toLowerCase()} {s.elementName ?? s.elementId}
                </button>
              </li>
            ))}
          </ol>
        </section>
        <section className="card" aria-labelledby="step-title">
          <h2 id="step-title">Step detail</h2>
          {step ? (
            <>
              <Props
                entries={[
                  ['Element', `${step.elementName ?? ''} (${step.elementId})`],
                  ['Type', step.elementType],
                  ['Event', step.intent],
                  ['When', formatDateTime(step.timestamp)],
                  ['Position', String(step.position)],
                  [
                    'Requirements',
                    <RequirementLinks key="r" ids={data.requirements?.[step.elementId] ?? []} />,
                  ],
                  ...(task
                    ? ([
                        ['Claimed by', task.claimedBy ?? '—'],
                        ['Completed by', task.completedBy ?? '—'],
                        ['Completed at', formatDateTime(task.completedAt)],
                      ] as [string, string][])
                    : []),
                ]}
              />
              {task?.data && (
                <>
                  <h3>Submitted data</h3>
                  <pre>{JSON.stringify(task.data, null, 2)}</pre>
                </>
              )}
              {vars.length > 0 && (
                <>
                  <h3>Variables set</h3>
                  <pre>
                    {JSON.stringify(
                      Object.fromEntries(vars.map((v) => [v.name, v.value])),
                      null,
                      2,
                    )}
                  </pre>
                </>
              )}
            </>
          ) : (
            <p className="muted">No steps recorded.</p>
          )}
        </section>
      </div>
      {(data.incidents.length > 0 || (data.childInstances ?? []).length > 0) && (
        <section
          className="card"
          aria-labelledby="incidents-title"
          style={{ marginTop: '0.75rem' }}
        >
          <h2 id="incidents-title">Incidents and called instances</h2>
          <ul className="list-plain small">
            {data.incidents.map((i, n) => (
              <li key={n}>
                <span className={`badge ${i.intent === 'RESOLVED' ? 'ok' : 'danger'}`}>
                  {(i.intent ?? 'incident').toLowerCase()}
                </span>{' '}
                {formatDateTime(i.timestamp)} {i.elementId} {i.errorType}: {i.errorMessage}
              </li>
            ))}
            {(data.childInstances ?? []).map((k) => (
              <li key={k}>
                called instance{' '}
                <a
                  href={`/replay?instance=${k}`}
                  onClick={(e) => {
                    e.preventDefault()
                    navigate(`/replay?instance=${k}`)
                  }}
                >
                  {k}
                </a>
              </li>
            ))}
          </ul>
        </section>
      )}
      <section className="card" aria-labelledby="evidence-title" style={{ marginTop: '0.75rem' }}>
        <h2 id="evidence-title">Evidence trail ({evidence.length})</h2>
        <table className="data" aria-label="Evidence entries of this instance">
          <thead>
            <tr>
              <th>Seq</th>
              <th>When</th>
              <th>Who</th>
              <th>What</th>
              <th>Entity</th>
              <th>Hash</th>
            </tr>
          </thead>
          <tbody>
            {evidence.map((e) => (
              <tr key={e.seq}>
                <td>{e.seq}</td>
                <td>{formatDateTime(e.at)}</td>
                <td>{e.actor}</td>
                <td>{e.action}</td>
                <td>
                  {e.entityType} {e.entityId}
                </td>
                <td>
                  <code title={e.hash}>{e.hash.slice(0, 12)}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  )
}

/** The requirements an element carries, each a link to its row of the compliance matrix. */
function RequirementLinks({ ids }: { ids: string[] }) {
  if (ids.length === 0) return <>—</>
  return (
    <span data-testid="step-requirements">
      {ids.map((id, i) => (
        <span key={id}>
          {i > 0 && ' '}
          <Link href={`/compliance/${id}`}>{id}</Link>
        </span>
      ))}
    </span>
  )
}

export default function ReplayPage({
  instanceKey,
  process,
  version,
  element,
}: {
  instanceKey: string | null
  process?: string | null
  version?: string | null
  /** The element to open the replay at (its last completion). */
  element?: string | null
}) {
  return instanceKey ? (
    <Replay key={instanceKey} instanceKey={instanceKey} element={element} />
  ) : (
    <Picker process={process ?? null} version={version ?? null} />
  )
}
