/**
 * The decision editor (bpmn.io dmn-js) beside the BPMN modeler: a `.dmn` of the procedures (the
 * priority matrix, the change policy) opened in its decision requirements diagram, decision
 * table or literal expression view; saved as a draft of kind `decision`, compared rule by rule
 * with the deployed version, submitted for approval by someone else (ISO/IEC 20000-1 4.3.2).
 * The bpmn.io logo dmn-js draws stays visible (its licence). Loaded lazily.
 */
import DmnModeler from 'dmn-js/lib/Modeler'
import 'dmn-js/dist/assets/diagram-js.css'
import 'dmn-js/dist/assets/dmn-js-shared.css'
import 'dmn-js/dist/assets/dmn-js-drd.css'
import 'dmn-js/dist/assets/dmn-js-decision-table.css'
import 'dmn-js/dist/assets/dmn-js-decision-table-controls.css'
import 'dmn-js/dist/assets/dmn-js-literal-expression.css'
import 'dmn-js/dist/assets/dmn-font/css/dmn-embedded.css'
import { useEffect, useRef, useState } from 'react'
import { download } from '../../../lib/format'
import { Link } from '../../../lib/router'
import { ErrorBanner, Loading, StatusBadge } from '../../../lib/ui'
import { useApi } from '../../../lib/use-api'
import { hasRole, type User } from '../../../lib/user'
import {
  createDecisionDraft,
  getDecisionDiff,
  getDecisionXml,
  type DecisionDiff,
  type DecisionFile,
} from '../api/decisions'
import { isOpen } from '../api/processes'
import { DraftHistory, ReviewPanel } from './DraftControl'
import { DraftHeader, openDraft, useDraftSession } from './draft-session'

interface View {
  type: string
  element: { id: string; name?: string }
}

const viewLabel: Record<string, string> = {
  drd: 'Requirements diagram',
  decisionTable: 'decision table',
  literalExpression: 'literal expression',
}

function label(v: View) {
  return v.type === 'drd'
    ? viewLabel.drd
    : `${v.element.name ?? v.element.id} (${viewLabel[v.type] ?? v.type})`
}

function DiffView({ diff }: { diff: DecisionDiff }) {
  const cells = (r: { inputs: string[]; outputs: string[] }) =>
    `${r.inputs.join(' | ')} → ${r.outputs.join(' | ')}`
  const nothing = !diff.added.length && !diff.removed.length && !diff.changed.length
  return (
    <section className="card" aria-labelledby="decision-diff-title">
      <h2 id="decision-diff-title">
        Changes against deployed version {diff.againstVersion ?? '—'}
      </h2>
      {nothing && <p className="muted">No changes.</p>}
      <ul className="list-plain small" aria-label="Decision changes">
        {diff.added.map((d) => (
          <li key={`a-${d.id}`}>
            <span className="badge ok">added</span> decision {d.name}
          </li>
        ))}
        {diff.removed.map((d) => (
          <li key={`r-${d.id}`}>
            <span className="badge danger">removed</span> decision {d.name}
          </li>
        ))}
        {diff.changed.map((d) => (
          <li key={`c-${d.id}`}>
            <strong>{d.name}</strong>
            {d.changed.length > 0 && (
              <span className="muted"> ({d.changed.join(', ')} changed)</span>
            )}
            <ul className="list-plain">
              {d.rules.added.map((r) => (
                <li key={r.id}>
                  <span className="badge ok">rule {r.index} added</span> {cells(r)}
                </li>
              ))}
              {d.rules.removed.map((r) => (
                <li key={r.id}>
                  <span className="badge danger">rule {r.index} removed</span> {cells(r)}
                </li>
              ))}
              {d.rules.changed.map((r) => (
                <li key={r.id}>
                  <span className="badge warn">rule {r.after.index} changed</span>{' '}
                  <del>{cells(r.before)}</del> → <ins>{cells(r.after)}</ins>
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ul>
      {diff.procedures.length > 0 && (
        <p className="small muted">
          Deployed with: {diff.procedures.join(', ')} (new instances use the new version).
        </p>
      )}
    </section>
  )
}

function Home() {
  const { data, error, loading } = useApi<DecisionFile[]>('/decisions')
  return (
    <div>
      <h1>Decisions</h1>
      <ErrorBanner error={error} />
      {loading && <Loading />}
      <table className="data" aria-label="Decisions">
        <thead>
          <tr>
            <th>Decisions</th>
            <th>Deployed</th>
            <th>Evaluated by</th>
            <th>Drafts</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {data?.map((f) => (
            <tr key={f.decisionRequirementsId}>
              <td>
                {f.name} <span className="muted small">{f.resourceName}</span>
              </td>
              <td>v{f.latestVersion}</td>
              <td>{[...new Set(f.calledBy.map((c) => c.bpmnProcessId))].join(', ') || '—'}</td>
              <td>
                {f.drafts.filter(isOpen).map((d) => (
                  <div key={d.id}>
                    <Link href={`/decisions?draft=${encodeURIComponent(d.id)}`}>{d.name}</Link>{' '}
                    <span className="muted small">by {d.author}</span>{' '}
                    <StatusBadge status={d.state} />
                  </div>
                ))}
              </td>
              <td>
                <Link
                  className="btn"
                  href={`/decisions?id=${encodeURIComponent(f.decisionRequirementsId)}`}
                >
                  Edit decision
                </Link>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

export default function DecisionEditorPage(props: {
  user: User
  draftId: string | null
  decisionsId: string | null
}) {
  if (!props.draftId && !props.decisionsId) return <Home />
  return <Editor {...props} />
}

function Editor({
  user,
  draftId,
  decisionsId,
}: {
  user: User
  draftId: string | null
  decisionsId: string | null
}) {
  const containerRef = useRef<HTMLDivElement>(null)
  const modelerRef = useRef<DmnModeler | null>(null)
  const [drgId, setDrgId] = useState(decisionsId ?? '')
  const [views, setViews] = useState<View[]>([])
  const [active, setActive] = useState<View | null>(null)
  const [ready, setReady] = useState(false)
  const [diff, setDiff] = useState<DecisionDiff | null>(null)

  async function currentXml() {
    const { xml } = await modelerRef.current!.saveXML({ format: true })
    return xml ?? ''
  }

  /** Opens the first decision's table or expression (a file of the procedures has one). */
  async function show(xml: string) {
    const modeler = modelerRef.current!
    await modeler.importXML(xml)
    const first = modeler.getViews().find((v: View) => v.type !== 'drd')
    if (first) await modeler.open(first)
  }

  // the draft: save, submit, withdraw, rebase with the merge; other drafts and the three-way check
  const session = useDraftSession({
    kind: 'decision',
    documentId: drgId,
    username: user.username,
    currentXml,
    create: createDecisionDraft,
    show,
    afterSave: async (saved) => {
      if (diff) setDiff(await getDecisionDiff(saved.id))
    },
  })
  const { draft, setDraft, dirty, setDirty, setStatus, setError, editable } = session

  useEffect(() => {
    const modeler = new DmnModeler({
      container: containerRef.current!,
      // the editors bind their shortcuts to the view while it has focus
      common: { keyboard: { bind: true } },
    })
    modelerRef.current = modeler
    const watched = new WeakSet<object>()
    modeler.on('views.changed', (e: { views: View[]; activeView: View | null }) => {
      setViews(e.views)
      setActive(e.activeView)
      const viewer = modeler.getActiveViewer()
      if (viewer && !watched.has(viewer)) {
        watched.add(viewer)
        viewer.on('elements.changed', () => setDirty(true))
      }
    })
    let cancelled = false
    void (async () => {
      try {
        let xml: string
        // 4.3.2: one open draft per DRG and author: editing reopens it
        const opened = await openDraft('decision', draftId, decisionsId, user.username)
        if (cancelled) return
        if (opened) {
          const d = opened.draft
          setDraft(d)
          setDrgId(d.bpmnProcessId)
          xml = d.xml ?? ''
          if (opened.reopened) setStatus(`Reopened your open draft "${d.name}".`)
        } else {
          xml = (await getDecisionXml(decisionsId ?? '', 'latest')).xml
        }
        if (cancelled) return
        await show(xml)
        if (cancelled) return
        setReady(true)
        setDirty(false)
      } catch (err) {
        if (!cancelled) setError(err)
      }
    })()
    return () => {
      cancelled = true
      modeler.destroy()
      modelerRef.current = null
    }
  }, [draftId, decisionsId, user.username])

  async function compare() {
    setError(undefined)
    if (diff) {
      setDiff(null)
      return
    }
    const saved = dirty || !draft ? await session.save() : draft
    if (!saved) return
    try {
      setDiff(await getDecisionDiff(saved.id))
    } catch (err) {
      setError(err)
    }
  }

  return (
    <div>
      <div className="row" style={{ marginBottom: '0.5rem' }}>
        <h1 style={{ margin: 0 }}>{drgId || 'Decisions'}</h1>
        {draft ? <StatusBadge status={draft.state} /> : <span className="badge">new draft</span>}
        {dirty && <span className="badge warn">unsaved changes</span>}
        <span className="spacer" />
        <Link href="/processes">Processes</Link>
        <button
          onClick={() =>
            void currentXml().then((x) => download(`${drgId}.dmn`, x, 'application/xml'))
          }
        >
          Download
        </button>
        <button onClick={() => void compare()} aria-pressed={!!diff} disabled={!ready}>
          {diff ? 'Hide changes' : 'Compare with deployed'}
        </button>
        <button onClick={() => void session.save()} disabled={!ready || !editable}>
          Save draft
        </button>
        <button
          className="primary"
          onClick={() => void session.submit()}
          disabled={!ready || !editable}
        >
          Submit for approval
        </button>
      </div>
      <DraftHeader session={session} kind="decision" username={user.username} />
      <div className="tabs" role="toolbar" aria-label="Decision views">
        {views.map((v) => (
          <button
            key={`${v.type}-${v.element.id}`}
            aria-pressed={active?.element.id === v.element.id && active.type === v.type}
            onClick={() => void modelerRef.current?.open(v)}
          >
            {label(v)}
          </button>
        ))}
      </div>
      {/* in review or approved, the decisions are read, not changed (4.3.2): the editor is
          inert, its frame still scrolls */}
      <div className="canvas dmn-editor" aria-label="Decision editor">
        <div ref={containerRef} className="dmn-editor-body" inert={!editable || undefined} />
      </div>
      {diff && <DiffView diff={diff} />}
      {diff &&
        draft?.state === 'in-review' &&
        draft.author !== user.username &&
        hasRole(user, 'process-owner', 'admin') && (
          <ReviewPanel
            draft={draft}
            onReviewed={(d) => {
              setDraft(d)
              setStatus(d.state === 'approved' ? 'Draft approved.' : 'Draft rejected.')
            }}
          />
        )}
      {draft && <DraftHistory draft={draft} />}
    </div>
  )
}
