/**
 * The process modeler (bpmn.io): bpmn-js with the properties panel and Zeebe properties, live
 * lint shown on the diagram and in a list, save as draft, diff against the deployed version,
 * submit for approval. Loaded lazily: it is the largest chunk.
 */
import BpmnModeler from 'bpmn-js/lib/Modeler'
import 'bpmn-js/dist/assets/diagram-js.css'
import 'bpmn-js/dist/assets/bpmn-js.css'
import 'bpmn-js/dist/assets/bpmn-font/css/bpmn-embedded.css'
import '@bpmn-io/properties-panel/dist/assets/properties-panel.css'
import {
  BpmnPropertiesPanelModule,
  BpmnPropertiesProviderModule,
  ZeebePropertiesProviderModule,
} from 'bpmn-js-properties-panel'
import ZeebeBehaviorsModule from 'camunda-bpmn-js-behaviors/lib/camunda-cloud'
import MinimapModule from 'diagram-js-minimap'
import 'diagram-js-minimap/assets/diagram-js-minimap.css'
import zeebeModdle from 'zeebe-bpmn-moddle/resources/zeebe.json'
import { useCallback, useEffect, useRef, useState } from 'react'
import { ApiError } from '../../../lib/api'
import { download } from '../../../lib/format'
import { Link, navigate } from '../../../lib/router'
import { ErrorBanner, Loading, StatusBadge } from '../../../lib/ui'
import { useApi } from '../../../lib/use-api'
import { hasRole, type User } from '../../../lib/user'
import { createDraft, getVersionXml, isOpen, type ProcessInfo } from '../api/processes'
import { DraftHistory, ReviewPanel } from './DraftControl'
import { DraftHeader, openDraft, useDraftSession } from './draft-session'
import ReadOnlyModule, { type ReadOnly } from './read-only'
import { lintDefinitions, type LintProblem } from '../lint/lint'
import { DiagramControls, fitWithPadding } from './DiagramControls'
import DraftForms from './DraftForms'
import {
  diffDefinitions,
  linkedFormIds,
  mainProcess,
  type Canvas,
  type DiagramDiff,
  type ElementRegistry,
  type Moddle,
  type ModdleElement,
  type Overlays,
  type Selection,
} from './diagram'

const blank = (id: string) => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" xmlns:modeler="http://camunda.org/schema/modeler/1.0" id="Definitions_${id}" targetNamespace="http://bpmn.io/schema/bpmn" modeler:executionPlatform="Camunda Cloud" modeler:executionPlatformVersion="8.8.0">
  <bpmn:process id="${id}" isExecutable="true">
    <bpmn:startEvent id="StartEvent_1" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="BPMNDiagram_1">
    <bpmndi:BPMNPlane id="BPMNPlane_1" bpmnElement="${id}">
      <bpmndi:BPMNShape id="StartEvent_1_di" bpmnElement="StartEvent_1">
        <dc:Bounds x="180" y="160" width="36" height="36" />
      </bpmndi:BPMNShape>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>`

const diffMarkers = ['marker-added', 'marker-changed'] as const

/** diagram-js-minimap's service. */
interface MinimapService {
  open(): void
  close(): void
  isOpen(): boolean
}

function Home({ user }: { user: User }) {
  const { data, error, loading } = useApi<ProcessInfo[]>('/processes')
  const [newId, setNewId] = useState('')
  return (
    <div>
      <h1>Modeler</h1>
      <form
        className="card row"
        onSubmit={(e) => {
          e.preventDefault()
          navigate(`/modeler?process=${encodeURIComponent(newId)}&new=1`)
        }}
      >
        <div className="field">
          <label htmlFor="f-modeler-new-process-id">New process id</label>
          <input
            id="f-modeler-new-process-id"
            value={newId}
            onChange={(e) => setNewId(e.target.value)}
            pattern="[A-Za-z_][\w.\-]*"
            required
          />
        </div>
        <button type="submit">New process</button>
      </form>
      <ErrorBanner error={error} />
      {loading && <Loading />}
      <table className="data" aria-label="Processes" style={{ marginTop: '0.75rem' }}>
        <thead>
          <tr>
            <th>Process</th>
            <th>Deployed</th>
            <th>Drafts</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {data?.map((p) => (
            <tr key={p.bpmnProcessId}>
              <td>
                {p.name} <span className="muted small">{p.bpmnProcessId}</span>
              </td>
              <td>v{p.latestVersion}</td>
              <td>
                {p.drafts.filter(isOpen).map((d) => (
                  <div key={d.id}>
                    <Link href={`/modeler?draft=${encodeURIComponent(d.id)}`}>{d.name}</Link>{' '}
                    <span className="muted small">by {d.author}</span>{' '}
                    <StatusBadge status={d.state} />
                  </div>
                ))}
                {p.drafts.filter(isOpen).length > 1 && (
                  <span className="badge warn">
                    {p.drafts.filter(isOpen).length} open drafts: the first deployed wins
                  </span>
                )}
              </td>
              <td>
                <Link
                  className="btn"
                  href={`/modeler?process=${encodeURIComponent(p.bpmnProcessId)}`}
                >
                  {p.drafts.some((d) => isOpen(d) && d.author === user.username)
                    ? 'Edit your draft'
                    : 'Edit latest'}
                </Link>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

function Editor({
  draftId,
  processId,
  isNew,
  user,
}: {
  draftId: string | null
  processId: string | null
  isNew: boolean
  user: User
}) {
  const canvasRef = useRef<HTMLDivElement>(null)
  const panelRef = useRef<HTMLDivElement>(null)
  const modelerRef = useRef<BpmnModeler | null>(null)
  const [bpmnProcessId, setProcessId] = useState(processId ?? '')
  const [problems, setProblems] = useState<LintProblem[]>([])
  const [diff, setDiff] = useState<DiagramDiff | null>(null)
  const [ready, setReady] = useState(false)
  const [fullScreen, setFullScreen] = useState(false)
  // the canvas takes its new size when full screen turns on or off
  useEffect(() => {
    if (ready) modelerRef.current?.get<Canvas>('canvas').resized()
  }, [fullScreen, ready])
  const [formIds, setFormIds] = useState<string[]>([])

  async function currentXml() {
    const { xml } = await modelerRef.current!.saveXML({ format: true })
    return xml ?? ''
  }

  // the draft: save, submit, withdraw, rebase with the merge; other drafts and the three-way check
  const session = useDraftSession({
    kind: 'process',
    documentId: bpmnProcessId,
    username: user.username,
    currentXml,
    create: (xml) => createDraft(bpmnProcessId, xml),
    show: async (xml) => {
      const m = modelerRef.current!
      await m.importXML(xml)
      fitWithPadding(m.get<Canvas>('canvas'))
      await lint()
    },
  })
  const { draft, setDraft, dirty, setDirty, setStatus, setError, editable } = session
  // in review or approved, the diagram is looked at, not changed (4.3.2)
  useEffect(() => {
    if (ready) modelerRef.current?.get<ReadOnly>('readOnly').set(!editable)
  }, [ready, editable])

  const lint = useCallback(async () => {
    const m = modelerRef.current
    if (!m) return
    const next = linkedFormIds(m.getDefinitions() as unknown as ModdleElement)
    setFormIds((prev) => (prev.join() === next.join() ? prev : next))
    const found = await lintDefinitions(m.getDefinitions())
    const overlays = m.get<Overlays>('overlays')
    const registry = m.get<ElementRegistry>('elementRegistry')
    const canvas = m.get<Canvas>('canvas')
    overlays.remove({ type: 'lint' })
    for (const el of registry.getAll()) canvas.removeMarker(el.id, 'marker-lint-error')
    const byId = new Map<string, LintProblem[]>()
    for (const p of found)
      if (p.id && registry.get(p.id)) byId.set(p.id, [...(byId.get(p.id) ?? []), p])
    for (const [id, list] of byId) {
      const html = document.createElement('div')
      const errors = list.filter((p) => p.category === 'error').length
      html.className = `lint-overlay${errors ? '' : ' warn'}`
      html.textContent = String(list.length)
      html.title = list.map((p) => p.message).join('\n')
      overlays.add(id, 'lint', { position: { top: -8, right: 8 }, html })
      if (errors) canvas.addMarker(id, 'marker-lint-error')
    }
    setProblems(found)
  }, [])

  useEffect(() => {
    const modeler = new BpmnModeler({
      container: canvasRef.current!,
      propertiesPanel: { parent: panelRef.current! },
      additionalModules: [
        BpmnPropertiesPanelModule,
        BpmnPropertiesProviderModule,
        ZeebePropertiesProviderModule,
        ZeebeBehaviorsModule,
        MinimapModule,
        ReadOnlyModule,
      ],
      moddleExtensions: { zeebe: zeebeModdle },
      // bpmn-js binds its shortcuts to the canvas while it has focus
      keyboard: { bind: true },
      minimap: { open: false },
    })
    modelerRef.current = modeler
    let timer: ReturnType<typeof setTimeout> | undefined
    modeler.on('commandStack.changed', () => {
      setDirty(true)
      clearTimeout(timer)
      timer = setTimeout(() => void lint(), 250)
    })
    let cancelled = false
    void (async () => {
      try {
        let xml: string
        // 4.3.2: one open draft per procedure and author: "Edit" reopens it
        const opened = await openDraft('process', draftId, processId, user.username)
        if (cancelled) return
        if (opened) {
          const d = opened.draft
          setDraft(d)
          setProcessId(d.bpmnProcessId)
          xml = d.xml ?? ''
          if (opened.reopened) setStatus(`Reopened your open draft "${d.name}".`)
        } else if (processId && !isNew) {
          xml = (await getVersionXml(processId, 'latest')).xml
        } else {
          xml = blank(processId ?? 'Process_1')
        }
        if (cancelled) return
        await modeler.importXML(xml)
        if (cancelled) return
        fitWithPadding(modeler.get<Canvas>('canvas'))
        setReady(true)
        setDirty(false)
        await lint()
      } catch (err) {
        if (!cancelled) setError(err)
      }
    })()
    return () => {
      cancelled = true
      clearTimeout(timer)
      modeler.destroy()
      modelerRef.current = null
    }
  }, [draftId, processId, isNew, lint, user.username])

  async function showDiff() {
    const m = modelerRef.current
    if (!m) return
    setError(undefined)
    try {
      const canvas = m.get<Canvas>('canvas')
      const registry = m.get<ElementRegistry>('elementRegistry')
      for (const el of registry.getAll())
        for (const mk of diffMarkers) canvas.removeMarker(el.id, mk)
      if (diff) {
        setDiff(null)
        return
      }
      const moddle = m.get<Moddle>('moddle')
      const deployed = await getVersionXml(bpmnProcessId, 'latest')
      const before = (await moddle.fromXML(deployed.xml, 'bpmn:Definitions')).rootElement
      const result = await diffDefinitions(
        moddle,
        before,
        m.getDefinitions() as unknown as ModdleElement,
        bpmnProcessId,
      )
      for (const e of result.added) if (registry.get(e.id!)) canvas.addMarker(e.id!, 'marker-added')
      for (const e of result.changed)
        if (registry.get(e.id!)) canvas.addMarker(e.id!, 'marker-changed')
      setDiff(result)
    } catch (err) {
      setError(
        err instanceof ApiError && err.status === 404
          ? new Error('This process has no deployed version to compare with.')
          : err,
      )
    }
  }

  async function importFile(file: File) {
    try {
      const m = modelerRef.current!
      await m.importXML(await file.text())
      fitWithPadding(m.get<Canvas>('canvas'))
      const id = mainProcess(m.getDefinitions() as unknown as ModdleElement)?.id
      if (!draft && id) setProcessId(id)
      setDirty(true)
      await lint()
    } catch (err) {
      setError(err)
    }
  }

  function focusElement(id: string | undefined) {
    const m = modelerRef.current
    const el = id ? m?.get<ElementRegistry>('elementRegistry').get(id) : undefined
    if (!m || !el) return
    m.get<Canvas>('canvas').scrollToElement(el)
    m.get<Selection>('selection').select(el)
  }

  const errors = problems.filter((p) => p.category === 'error').length
  return (
    <div>
      <div className="row" style={{ marginBottom: '0.5rem' }}>
        <h1 style={{ margin: 0 }}>{bpmnProcessId || 'Process'}</h1>
        {draft ? <StatusBadge status={draft.state} /> : <span className="badge">new draft</span>}
        {dirty && <span className="badge warn">unsaved changes</span>}
        <span className="spacer" />
        <label className="btn">
          Import file
          <input
            type="file"
            accept=".bpmn,.xml"
            className="visually-hidden"
            disabled={!ready}
            onChange={(e) => e.target.files?.[0] && void importFile(e.target.files[0])}
          />
        </label>
        <button
          onClick={() =>
            void currentXml().then((x) => download(`${bpmnProcessId}.bpmn`, x, 'application/xml'))
          }
        >
          Download
        </button>
        <button onClick={() => void showDiff()} aria-pressed={!!diff}>
          {diff ? 'Hide changes' : 'Compare with deployed'}
        </button>
        <button
          onClick={() => void session.save()}
          disabled={!ready || !editable || !bpmnProcessId}
        >
          Save draft
        </button>
        <button
          className="primary"
          onClick={() => void session.submit()}
          disabled={!ready || !editable || errors > 0}
          title={errors ? 'Fix the errors first' : undefined}
        >
          Submit for approval
        </button>
      </div>
      <DraftHeader
        session={session}
        kind="process"
        username={user.username}
        onFocus={focusElement}
      />
      <div className={`modeler-layout${fullScreen ? ' full-screen' : ''}`}>
        <div className={`canvas-frame${editable ? '' : ' read-only'}`}>
          {ready && (
            <DiagramControls
              canvas={modelerRef.current?.get<Canvas>('canvas')}
              minimap={modelerRef.current?.get<MinimapService>('minimap')}
              fullScreen={fullScreen}
              onFullScreen={setFullScreen}
            />
          )}
          <div ref={canvasRef} className="canvas" aria-label="BPMN diagram" />
        </div>
        <div
          ref={panelRef}
          className="properties"
          aria-label="Properties"
          inert={!editable || undefined}
        />
      </div>
      <div className="grid-2" style={{ marginTop: '0.75rem' }}>
        <section className="card" aria-labelledby="problems-title">
          <h2 id="problems-title">
            Problems <span className={`badge ${errors ? 'danger' : 'ok'}`}>{errors} errors</span>{' '}
            <span className={`badge ${problems.length > errors ? 'warn' : ''}`}>
              {problems.length - errors} warnings
            </span>
          </h2>
          <ul className="list-plain" aria-label="Lint problems">
            {problems.map((p, i) => (
              <li key={`${p.rule}-${p.id ?? ''}-${i}`} className="small">
                <span className={`badge ${p.category === 'error' ? 'danger' : 'warn'}`}>
                  {p.category}
                </span>{' '}
                <button className="link" onClick={() => focusElement(p.id)} disabled={!p.id}>
                  {p.id ?? 'diagram'}
                </button>
                : {p.message} <span className="muted">({p.rule})</span>
              </li>
            ))}
            {problems.length === 0 && <li className="muted">No problems.</li>}
          </ul>
        </section>
        {diff && (
          <section className="card" aria-labelledby="diff-title">
            <h2 id="diff-title">Changes against the deployed version</h2>
            {(['added', 'changed', 'removed'] as const).map((k) => (
              <div key={k}>
                <h3>
                  {k} ({diff[k].length})
                </h3>
                <ul className="list-plain small">
                  {diff[k].map((e) => (
                    <li key={e.id}>
                      <button
                        className="link"
                        onClick={() => focusElement(e.id)}
                        disabled={k === 'removed'}
                      >
                        {e.name ?? e.id}
                      </button>{' '}
                      <span className="muted">
                        {e.$type.replace('bpmn:', '')} · {e.id}
                      </span>
                    </li>
                  ))}
                </ul>
              </div>
            ))}
            {draft?.state === 'in-review' &&
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
          </section>
        )}
      </div>
      <DraftForms
        draft={draft}
        linkedFormIds={formIds}
        editable={editable}
        onDraftChanged={(d) => {
          setDraft(d)
          setStatus('')
        }}
      />
      {draft && <DraftHistory draft={draft} />}
    </div>
  )
}

export default function ModelerPage({
  user,
  draftId,
  processId,
  isNew = false,
}: {
  user: User
  draftId: string | null
  processId: string | null
  isNew?: boolean
}) {
  if (!draftId && !processId) return <Home user={user} />
  return (
    <Editor
      key={`${draftId ?? ''}|${processId ?? ''}`}
      draftId={draftId}
      processId={processId}
      isNew={isNew}
      user={user}
    />
  )
}
