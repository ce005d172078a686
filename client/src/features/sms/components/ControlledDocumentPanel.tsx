/**
 * The parts of a controlled document's page the product's use adds (ISO/IEC 20000-1 4.3.2 with
 * 6.1, 7.2, 9.2, 9.3): which version is in force and which is next (approved, effective from a
 * date), a structured editor for the next draft (SLA targets per priority; the other kinds'
 * structured content as JSON), and approval with an effective date. The server checks who may
 * (the author never approves) and validates every value; the client only shows the way.
 */
import { useState } from 'react'
import { formatDateTime } from '../../../lib/format'
import { MarkdownEditor } from '../../../lib/MarkdownEditor'
import { PriorityBadge } from '../../../lib/ui'
import {
  approveVersion,
  writeDraft,
  type DocumentDetail,
  type DocumentVersion,
  type SlaData,
} from '../api/sms'
import { PlanSectionsFields } from './PlanSections'

const priorities = ['1', '2', '3', '4', '5'] as const

/** The version in force and the next one, as the product uses them. */
export function InForce({ doc }: { doc: DocumentDetail }) {
  const current = doc.versions.find((v) => v.version === doc.effectiveVersion)
  const next = doc.versions.find((v) => v.status === 'approved')
  return (
    <p aria-label="In force">
      {current
        ? `In force: v${current.version} since ${formatDateTime(current.effectiveFrom ?? current.effectiveAt ?? current.createdAt)}`
        : 'No version in force yet.'}
      {next && ` · Next: v${next.version} takes effect ${formatDateTime(next.effectiveFrom ?? '')}`}
      {doc.subject ? ` · controls ${doc.subject}` : ''}
    </p>
  )
}

/** SLA targets per priority as a table. */
export function SlaTargets({ data }: { data: SlaData }) {
  return (
    <table className="data" aria-label="SLA targets">
      <thead>
        <tr>
          <th>Priority</th>
          <th>Response (min)</th>
          <th>Resolution (min)</th>
        </tr>
      </thead>
      <tbody>
        {Object.entries(data.targets).map(([p, t]) => (
          <tr key={p}>
            <td>
              <PriorityBadge priority={p} scale="level" />
            </td>
            <td>{t.responseMinutes}</td>
            <td>{t.resolutionMinutes}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

/**
 * The next draft of a document: SLA targets as fields, the plan's sections (4.5.2 a–l) in
 * Markdown, other structured content as JSON.
 */
export function DraftEditor({
  doc,
  base,
  onDone,
}: {
  doc: DocumentDetail
  base: DocumentVersion
  onDone: (run: () => Promise<unknown>) => void
}) {
  const sla = doc.kind === 'sla' && base.data && 'slaId' in base.data ? base.data : undefined
  const [targets, setTargets] = useState(() =>
    Object.fromEntries(
      priorities.map((p) => [
        p,
        {
          responseMinutes: String(sla?.targets[p]?.responseMinutes ?? ''),
          resolutionMinutes: String(sla?.targets[p]?.resolutionMinutes ?? ''),
        },
      ]),
    ),
  )
  // 4.5.2 a–l: the plan's sections are written in Markdown, each with its preview
  const plan = base.data && 'sections' in base.data ? base.data : undefined
  const [sections, setSections] = useState(() => plan?.sections ?? {})
  const [json, setJson] = useState(() => JSON.stringify(base.data ?? {}, null, 2))
  const [content, setContent] = useState(base.content)
  const [summary, setSummary] = useState('')
  function data(): unknown {
    if (plan) return { sections }
    if (!sla) return JSON.parse(json) as unknown
    const out: SlaData['targets'] = {}
    for (const p of priorities) {
      const t = targets[p]!
      if (t.responseMinutes === '' && t.resolutionMinutes === '') continue
      out[p] = {
        responseMinutes: Number(t.responseMinutes),
        resolutionMinutes: Number(t.resolutionMinutes),
      }
    }
    return { ...sla, targets: out }
  }
  return (
    <form
      aria-label="Draft the next version"
      onSubmit={(e) => {
        e.preventDefault()
        onDone(() => writeDraft(doc.id, { content, data: data(), changeSummary: summary }))
      }}
    >
      {sla ? (
        <table className="data" aria-label="Draft targets">
          <thead>
            <tr>
              <th>Priority</th>
              <th>Response (min)</th>
              <th>Resolution (min)</th>
            </tr>
          </thead>
          <tbody>
            {priorities.map((p) => (
              <tr key={p}>
                <td>
                  <PriorityBadge priority={p} scale="level" />
                </td>
                {(['responseMinutes', 'resolutionMinutes'] as const).map((k) => (
                  <td key={k}>
                    <input
                      aria-label={`P${p} ${k === 'responseMinutes' ? 'response' : 'resolution'} minutes`}
                      inputMode="numeric"
                      value={targets[p]![k]}
                      onChange={(e) =>
                        setTargets({ ...targets, [p]: { ...targets[p]!, [k]: e.target.value } })
                      }
                    />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      ) : plan ? (
        <PlanSectionsFields value={sections} onChange={setSections} idPrefix="draft-plan" />
      ) : (
        <div className="field">
          <label htmlFor="draft-json">Structured content (JSON)</label>
          <textarea
            id="draft-json"
            rows={12}
            value={json}
            onChange={(e) => setJson(e.target.value)}
          />
        </div>
      )}
      <MarkdownEditor
        id="draft-text"
        label="Text (Markdown)"
        rows={4}
        value={content}
        onChange={setContent}
      />
      <div className="field">
        <label htmlFor="draft-summary">What changes</label>
        <input id="draft-summary" value={summary} onChange={(e) => setSummary(e.target.value)} />
      </div>
      <button type="submit">Save draft</button>
    </form>
  )
}

/** Approval by someone other than the author, with the date the version takes effect. */
export function ApproveForm({
  id,
  onDone,
}: {
  id: string
  onDone: (run: () => Promise<unknown>) => void
}) {
  const [from, setFrom] = useState('')
  const [note, setNote] = useState('')
  return (
    <form
      className="row"
      aria-label="Approve"
      onSubmit={(e) => {
        e.preventDefault()
        onDone(() =>
          approveVersion(id, {
            ...(note ? { note } : {}),
            ...(from ? { effectiveFrom: new Date(from).toISOString() } : {}),
          }),
        )
      }}
    >
      <div className="field">
        <label htmlFor="approve-from">Effective from (empty: now)</label>
        <input
          id="approve-from"
          type="datetime-local"
          value={from}
          onChange={(e) => setFrom(e.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor="approve-note">Approval note</label>
        <input id="approve-note" value={note} onChange={(e) => setNote(e.target.value)} />
      </div>
      <button type="submit">Approve</button>
    </form>
  )
}
