/**
 * Replay (auditors, read-only), as Camunda Operate shows an instance: the exact BPMN version it
 * ran on with the path taken drawn on it (completed elements, taken flows, active tokens,
 * incidents), the element-instance tree (nested scopes, multi-instance iterations), the steps
 * with who and when to step through (each moves the highlight), the variables of the selected
 * step's scope, the evidence chain status, and export as JSON or a printable report.
 */
import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer'
import 'bpmn-js/dist/assets/diagram-js.css'
import 'bpmn-js/dist/assets/bpmn-js.css'
import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react'
import { download, formatDateTime, humanize } from '../../../lib/format'
import { Link, navigate } from '../../../lib/router'
import { Empty, ErrorBanner, Loading, Props, StatusBadge } from '../../../lib/ui'
import { useApi, withQuery } from '../../../lib/use-api'
import {
  activitiesOf,
  openIncidentsAt,
  pathAt,
  positionOf,
  startActivity,
  stepIndexAt,
  stepsInOrder,
  variablesAt,
  type InstanceHistory,
  type InstanceSummary,
} from '../api/history'
import { ActivityTree, activityLabel } from './ActivityTree'
import { touchNavigation } from './touch-navigation'

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
  // the element instances: the tree's nodes, and the steps in the order they started
  const activities = useMemo(() => activitiesOf(data?.tree), [data])
  const ordered = useMemo(() => stepsInOrder(activities), [activities])
  const byKey = useMemo(() => new Map(activities.map((a) => [a.key, a])), [activities])
  const lastPosition = steps.at(-1)?.position ?? 0

  useEffect(() => {
    if (!data) return
    const v = new NavigatedViewer({ container: container.current! })
    viewer.current = v
    // on a phone: one finger pans, two pinch to zoom
    const stopTouch = touchNavigation(container.current!, v.get('canvas'))
    v.importXML(data.xml).then(
      () => {
        v.get<Canvas>('canvas').zoom('fit-viewport', 'auto')
        setIndex(startActivity(ordered, element))
        setReady(true)
      },
      (err: unknown) => setImportError(err),
    )
    return () => {
      stopTouch()
      v.destroy()
      viewer.current = null
      setReady(false)
    }
  }, [data, ordered, element])

  const current = ordered[index]
  const position = current ? positionOf(current, lastPosition) : lastPosition

  useEffect(() => {
    const v = viewer.current
    if (!ready || !v || !data) return
    const canvas = v.get<Canvas>('canvas')
    const registry = v.get<Registry>('elementRegistry')
    const overlays = v.get<Overlays>('overlays')
    for (const el of registry.getAll()) for (const m of markers) canvas.removeMarker(el.id, m)
    overlays.remove({ type: 'incident' })
    // the path up to the selected step: completed elements, the flows taken, active tokens
    const { completed, active, taken } = pathAt(steps, stepIndexAt(steps, position))
    const mark = (id: string, m: string) => registry.get(id) && canvas.addMarker(id, m)
    completed.forEach((id) => mark(id, 'marker-completed'))
    taken.forEach((id) => mark(id, 'marker-taken'))
    active.forEach((id) => mark(id, 'marker-active'))
    for (const inc of openIncidentsAt(data.incidents, position)) {
      if (!inc.elementId || !registry.get(inc.elementId)) continue
      canvas.addMarker(inc.elementId, 'marker-incident')
      const html = document.createElement('div')
      html.className = 'incident-overlay'
      html.textContent = 'incident'
      html.title = inc.errorMessage ?? ''
      overlays.add(inc.elementId, 'incident', { position: { bottom: 4, left: 0 }, html })
    }
    if (current) mark(current.elementId, 'marker-current')
  }, [ready, position, current, steps, data])

  if (loading && !data) return <Loading />
  if (error) return <ErrorBanner error={error} />
  if (!data) return null
  const select = (key: string) => {
    const i = ordered.findIndex((a) => a.key === key)
    if (i >= 0) setIndex(i)
  }
  const task = current
    ? (data.tasks.find((t) => t.elementInstanceKey === current.key) ??
      (current.elementType === 'USER_TASK'
        ? data.tasks.find((t) => t.elementId === current.elementId)
        : undefined))
    : undefined
  const vars = current ? variablesAt(current, byKey, position) : []
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
      <p className="small muted replay-legend">
        <span className="legend-swatch completed" /> completed{' '}
        <span className="legend-swatch taken" /> flow taken{' '}
        <span className="legend-swatch active" /> active <span className="legend-swatch incident" />{' '}
        incident <span className="legend-swatch current" /> selected step
      </p>
      <div className="replay-layout">
        <section className="card" aria-labelledby="tree-title">
          <h2 id="tree-title">Instance history</h2>
          {data.tree ? (
            <ActivityTree root={data.tree} selected={current?.key} onSelect={select} />
          ) : (
            <p className="muted">The engine has not reported this instance&apos;s steps yet.</p>
          )}
        </section>
        <section className="card" aria-labelledby="timeline-title">
          <div className="row">
            <h2 id="timeline-title" style={{ margin: 0 }}>
              Steps
            </h2>
            <span className="spacer" />
            <button onClick={() => setIndex(0)} disabled={index === 0} aria-label="First step">
              «
            </button>
            <button onClick={() => setIndex((i) => Math.max(0, i - 1))} disabled={index === 0}>
              Previous
            </button>
            <span className="small" aria-live="polite" data-testid="step-counter">
              Step {ordered.length ? index + 1 : 0} of {ordered.length}
            </span>
            <button
              onClick={() => setIndex((i) => Math.min(ordered.length - 1, i + 1))}
              disabled={index >= ordered.length - 1}
            >
              Next
            </button>
            <button
              onClick={() => setIndex(ordered.length - 1)}
              disabled={index >= ordered.length - 1}
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
              const last = ordered.length - 1
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
            {ordered.map((a, i) => (
              <li key={a.key}>
                <button
                  aria-current={i === index ? 'step' : undefined}
                  onClick={() => setIndex(i)}
                  className={a.incidents.length ? 'has-incident' : undefined}
                >
                  <span className="step-line">
                    {a.state} {activityLabel(a)}
                    {a.incidents.some((x) => !x.resolved) && (
                      <span className="badge danger">incident</span>
                    )}
                  </span>
                  <span className="muted small step-meta">
                    {a.who ? `${a.who.name} · ` : ''}
                    {formatDateTime(a.endedAt ?? a.startedAt)}
                  </span>
                </button>
              </li>
            ))}
          </ol>
        </section>
        <section className="card" aria-labelledby="step-title">
          <h2 id="step-title">Step detail</h2>
          {current ? (
            <>
              <Props
                entries={[
                  ['Element', `${activityLabel(current)} (${current.elementId})`],
                  ['Type', humanize(current.elementType.toLowerCase())],
                  ['State', current.state],
                  ['Who', current.who?.name ?? '—'],
                  ['Started', formatDateTime(current.startedAt)],
                  ['Ended', formatDateTime(current.endedAt)],
                  [
                    'Requirements',
                    <RequirementLinks key="r" ids={data.requirements?.[current.elementId] ?? []} />,
                  ],
                  ...(task
                    ? ([
                        ['Claimed by', task.claimedByName ?? task.claimedBy ?? '—'],
                        ['Completed by', task.completedByName ?? task.completedBy ?? '—'],
                        ['Completed at', formatDateTime(task.completedAt)],
                      ] as [string, string][])
                    : []),
                ]}
              />
              {current.incidents.length > 0 && (
                <>
                  <h3>Incidents</h3>
                  <ul className="list-plain small">
                    {current.incidents.map((x) => (
                      <li key={x.key}>
                        <span className={`badge ${x.resolved ? 'ok' : 'danger'}`}>
                          {x.resolved ? 'resolved' : 'open'}
                        </span>{' '}
                        {x.errorType}: {x.errorMessage}
                      </li>
                    ))}
                  </ul>
                </>
              )}
              {task?.data && (
                <>
                  <h3>Submitted data</h3>
                  <pre>{JSON.stringify(task.data, null, 2)}</pre>
                </>
              )}
              <h3 id="variables-title">Variables</h3>
              {vars.length ? (
                <table className="data" aria-labelledby="variables-title">
                  <thead>
                    <tr>
                      <th>Name</th>
                      <th>Value</th>
                      <th>Scope</th>
                    </tr>
                  </thead>
                  <tbody>
                    {vars.map((v) => (
                      <tr key={`${v.scope.key}/${v.name}`}>
                        <td>{v.name}</td>
                        <td>
                          <code>{JSON.stringify(v.value)}</code>
                        </td>
                        <td>
                          {v.scope.key === current.key ? 'this step' : activityLabel(v.scope)}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              ) : (
                <p className="muted small">No variables in this scope.</p>
              )}
              <p className="muted small">
                Values as the instance holds them last (the engine keeps no earlier ones).
              </p>
            </>
          ) : (
            <p className="muted">No steps recorded.</p>
          )}
        </section>
      </div>
      {(data.childInstances ?? []).length > 0 && (
        <section className="card" aria-labelledby="called-title" style={{ marginTop: '0.75rem' }}>
          <h2 id="called-title">Called instances</h2>
          <ul className="list-plain small">
            {(data.childInstances ?? []).map((k) => (
              <li key={k}>
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
