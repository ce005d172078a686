/**
 * Registering a controlled document (ISO/IEC 20000-1 4.3.1): Markdown written in the app, or the
 * structured content of objectives (4.1.1), scope (4.5.1), the plan (4.5.2 a–l), the continuity
 * and availability plan (6.3.2) and the capacity plan (6.5), or an uploaded file (external
 * documents name their source, 4.3.2 g). Controlled kinds name what they control (the policies
 * and the catalogue their own kind, filled in).
 */
import { useState, type FormEvent } from 'react'
import { MarkdownEditor } from '../../../lib/MarkdownEditor'
import { ErrorBanner } from '../../../lib/ui'
import {
  controlledKinds,
  createDocument,
  documentKindLabels,
  documentKinds,
  singletonSubjectKinds,
  type DocumentKind,
  type Objective,
} from '../api/sms'
import {
  CapacityPlanFields,
  ContinuityPlanFields,
  continuityPlanData,
  emptyCapacityPlan,
  emptyContinuityPlan,
} from './DeliveryPlanFields'
import { PlanSectionsFields } from './PlanSections'

const lines = (s: string) =>
  s
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)

const emptyObjective = (owner: string): Objective => ({
  title: '',
  measure: '',
  target: 0,
  unit: '%',
  direction: 'at-least',
  owner,
})

function readFile(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = new FileReader()
    r.onload = () => resolve(String(r.result).replace(/^data:[^,]*,/, ''))
    r.onerror = () => reject(r.error ?? new Error('The file could not be read.'))
    r.readAsDataURL(file)
  })
}

export function NewDocumentForm({
  owner,
  onCreated,
}: {
  owner: string
  onCreated: (id: string) => void
}) {
  const [kind, setKind] = useState<DocumentKind>('policy')
  const [title, setTitle] = useState('')
  const [clauses, setClauses] = useState('')
  const [content, setContent] = useState('')
  const [externalSource, setExternalSource] = useState('')
  const [subject, setSubject] = useState('')
  const [structured, setStructured] = useState('')
  const [file, setFile] = useState<File | null>(null)
  const [objectives, setObjectives] = useState<Objective[]>([emptyObjective(owner)])
  const [scope, setScope] = useState({ services: '', organisationUnits: '', locations: '' })
  const [sections, setSections] = useState<Record<string, string>>({})
  const [continuity, setContinuity] = useState(emptyContinuityPlan)
  const [capacity, setCapacity] = useState(emptyCapacityPlan)
  const [error, setError] = useState<unknown>()

  async function submit(e: FormEvent) {
    e.preventDefault()
    try {
      const data =
        kind === 'objectives'
          ? { objectives }
          : kind === 'scope'
            ? {
                services: lines(scope.services),
                organisationUnits: lines(scope.organisationUnits),
                locations: lines(scope.locations),
              }
            : kind === 'plan'
              ? { sections }
              : kind === 'continuity-plan'
                ? continuityPlanData(continuity)
                : kind === 'capacity-plan'
                  ? { capacityPlan: capacity }
                  : structured.trim()
                    ? (JSON.parse(structured) as unknown)
                    : undefined
      const created = await createDocument({
        kind,
        title,
        ...(clauses.trim()
          ? {
              clauses: clauses
                .split(',')
                .map((c) => c.trim())
                .filter(Boolean),
            }
          : {}),
        ...(content ? { content } : {}),
        ...(data ? { data } : {}),
        ...(externalSource ? { externalSource } : {}),
        ...(subject ? { subject } : {}),
        ...(file
          ? {
              file: {
                name: file.name,
                mediaType: file.type || 'application/octet-stream',
                base64: await readFile(file),
              },
            }
          : {}),
      })
      setError(undefined)
      onCreated(created.id)
    } catch (err) {
      setError(err)
    }
  }
  const setObjective = (i: number, patch: Partial<Objective>) =>
    setObjectives((os) => os.map((o, j) => (j === i ? { ...o, ...patch } : o)))

  return (
    <form className="card" onSubmit={(e) => void submit(e)} aria-label="Register a document">
      <h2 style={{ marginTop: 0 }}>Register a document</h2>
      <div className="row" style={{ alignItems: 'end', flexWrap: 'wrap' }}>
        <div className="field">
          <label htmlFor="doc-kind">Kind</label>
          <select
            id="doc-kind"
            value={kind}
            onChange={(e) => {
              const next = e.target.value as DocumentKind
              setKind(next)
              setSubject(singletonSubjectKinds.includes(next) ? next : '')
            }}
          >
            {documentKinds.map((k) => (
              <option key={k} value={k}>
                {documentKindLabels[k]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="doc-title">Title</label>
          <input id="doc-title" value={title} onChange={(e) => setTitle(e.target.value)} required />
        </div>
        <div className="field">
          <label htmlFor="doc-clauses">Further clauses (comma separated)</label>
          <input
            id="doc-clauses"
            value={clauses}
            onChange={(e) => setClauses(e.target.value)}
            placeholder="e.g. 6.6.1, 4.5.2 j"
          />
        </div>
      </div>
      {kind === 'objectives' && (
        <fieldset>
          <legend>Objectives (4.1.1: measurable, with an owner and a target)</legend>
          {objectives.map((o, i) => (
            <div className="row" key={i} style={{ flexWrap: 'wrap', alignItems: 'end' }}>
              <div className="field">
                <label htmlFor={`obj-title-${i}`}>Objective {i + 1}</label>
                <input
                  id={`obj-title-${i}`}
                  value={o.title}
                  onChange={(e) => setObjective(i, { title: e.target.value })}
                  required
                />
              </div>
              <div className="field">
                <label htmlFor={`obj-measure-${i}`}>Measured as</label>
                <input
                  id={`obj-measure-${i}`}
                  value={o.measure}
                  onChange={(e) => setObjective(i, { measure: e.target.value })}
                  required
                />
              </div>
              <div className="field">
                <label htmlFor={`obj-target-${i}`}>Target</label>
                <input
                  id={`obj-target-${i}`}
                  type="number"
                  value={o.target}
                  onChange={(e) => setObjective(i, { target: Number(e.target.value) })}
                />
              </div>
              <div className="field">
                <label htmlFor={`obj-unit-${i}`}>Unit</label>
                <input
                  id={`obj-unit-${i}`}
                  value={o.unit}
                  onChange={(e) => setObjective(i, { unit: e.target.value })}
                />
              </div>
              <div className="field">
                <label htmlFor={`obj-metric-${i}`}>Measured from</label>
                <select
                  id={`obj-metric-${i}`}
                  value={o.metric ?? ''}
                  onChange={(e) => {
                    const metric = e.target.value as Objective['metric'] | ''
                    setObjective(
                      i,
                      metric
                        ? {
                            metric,
                            direction: metric === 'major-incidents' ? 'at-most' : 'at-least',
                          }
                        : { metric: undefined },
                    )
                  }}
                >
                  <option value="">by hand</option>
                  <option value="sla-met-percent">Resolution targets met (%)</option>
                  <option value="major-incidents">Major incidents (count)</option>
                </select>
              </div>
            </div>
          ))}
          <button
            type="button"
            onClick={() => setObjectives((os) => [...os, emptyObjective(owner)])}
          >
            Add objective
          </button>
        </fieldset>
      )}
      {kind === 'scope' && (
        <fieldset>
          <legend>Scope (4.5.1), one per line</legend>
          {(['services', 'organisationUnits', 'locations'] as const).map((k) => (
            <div className="field" key={k}>
              <label htmlFor={`scope-${k}`}>
                {
                  {
                    services: 'Services',
                    organisationUnits: 'Organisation units',
                    locations: 'Locations',
                  }[k]
                }
              </label>
              <textarea
                id={`scope-${k}`}
                rows={3}
                value={scope[k]}
                onChange={(e) => setScope((s) => ({ ...s, [k]: e.target.value }))}
              />
            </div>
          ))}
        </fieldset>
      )}
      {kind === 'plan' && <PlanSectionsFields value={sections} onChange={setSections} />}
      {kind === 'continuity-plan' && (
        <ContinuityPlanFields value={continuity} onChange={setContinuity} />
      )}
      {kind === 'capacity-plan' && <CapacityPlanFields value={capacity} onChange={setCapacity} />}
      <MarkdownEditor
        id="doc-content"
        label="Text (Markdown)"
        value={content}
        onChange={setContent}
      />
      <div className="row" style={{ flexWrap: 'wrap', alignItems: 'end' }}>
        <div className="field">
          <label htmlFor="doc-file">Or upload a file</label>
          <input id="doc-file" type="file" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
        </div>
        {controlledKinds.includes(kind) && (
          <div className="field">
            <label htmlFor="doc-subject">Controls (subject)</label>
            <input
              id="doc-subject"
              value={subject}
              onChange={(e) => setSubject(e.target.value)}
              placeholder={
                kind === 'sla'
                  ? 'sla:SLA-000001'
                  : kind === 'contract'
                    ? 'contract:CON-000001'
                    : kind === 'decision'
                      ? 'decision:priority-matrix-drg'
                      : kind
              }
              readOnly={singletonSubjectKinds.includes(kind)}
              required
            />
          </div>
        )}
        {controlledKinds.includes(kind) && kind !== 'decision' && (
          <div className="field">
            <label htmlFor="doc-structured">Structured content (JSON)</label>
            <textarea
              id="doc-structured"
              rows={6}
              value={structured}
              onChange={(e) => setStructured(e.target.value)}
            />
          </div>
        )}
        {kind === 'external' && (
          <div className="field">
            <label htmlFor="doc-source">Source (4.3.2 g)</label>
            <input
              id="doc-source"
              value={externalSource}
              onChange={(e) => setExternalSource(e.target.value)}
              required
            />
          </div>
        )}
      </div>
      <button type="submit">Register draft</button>
      <ErrorBanner error={error} />
    </form>
  )
}
