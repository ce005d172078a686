/**
 * The files attached to a case (screenshots, logs, signed approvals: evidence of 4.3.3), on the
 * case page and beside a task's form. Files are uploaded as base64 JSON to
 * `POST /api/<kind>/<id>/attachments` and downloaded from the server, which serves them as
 * attachments in a sandbox, never inline in the app.
 */
import { useId, useState, type ChangeEvent } from 'react'
import { api } from '../../../lib/api'
import { formatDateTime } from '../../../lib/format'
import { ErrorBanner } from '../../../lib/ui'

export interface AttachmentView {
  id: number
  name: string
  contentType: string
  size: number
  uploadedBy: string
  createdAt: string
}

/** What the server accepts as a content type; anything else is sent as opaque bytes. */
const CONTENT_TYPE = /^[a-z0-9.+-]+\/[a-z0-9.+-]+$/

function sizeOf(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`
}

/** The file's bytes as base64, without the data-URL prefix. */
function base64Of(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader()
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''))
    reader.onerror = () => reject(reader.error ?? new Error(`Could not read ${file.name}.`))
    reader.readAsDataURL(file)
  })
}

/** Normalises whatever the server put in a record's `attachments` into views. */
export function attachmentsOf(value: unknown): AttachmentView[] {
  return Array.isArray(value) ? (value as AttachmentView[]) : []
}

export function Attachments({
  casePath,
  attachments,
  canAttach,
  onAdded,
}: {
  /** The case's API path, e.g. `/incidents/INC-000001`. */
  casePath: string
  attachments: readonly AttachmentView[]
  canAttach: boolean
  onAdded: () => void
}) {
  const inputId = useId()
  const headingId = useId()
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>()

  async function upload(e: ChangeEvent<HTMLInputElement>) {
    const input = e.currentTarget
    const files = [...(input.files ?? [])]
    if (!files.length) return
    setBusy(true)
    setError(undefined)
    try {
      for (const file of files) {
        const type = file.type.toLowerCase()
        await api(`${casePath}/attachments`, {
          method: 'POST',
          body: {
            name: file.name,
            contentType: CONTENT_TYPE.test(type) ? type : 'application/octet-stream',
            contentBase64: await base64Of(file),
          },
        })
      }
      onAdded()
    } catch (err) {
      setError(err)
    } finally {
      input.value = ''
      setBusy(false)
    }
  }

  return (
    <section className="card" aria-labelledby={headingId}>
      <h2 id={headingId}>Attachments ({attachments.length})</h2>
      {attachments.length === 0 && <p className="muted">None.</p>}
      <ul className="list-plain">
        {attachments.map((a) => (
          <li key={a.id}>
            <a href={`/api${casePath}/attachments/${a.id}`} download={a.name}>
              {a.name}
            </a>{' '}
            <span className="muted small">
              {sizeOf(a.size)} · {a.uploadedBy} · {formatDateTime(a.createdAt)}
            </span>
          </li>
        ))}
      </ul>
      {canAttach && (
        <div className="field">
          <label htmlFor={inputId}>Attach files</label>
          <input
            id={inputId}
            type="file"
            multiple
            disabled={busy}
            onChange={(e) => void upload(e)}
          />
        </div>
      )}
      <ErrorBanner error={error} />
    </section>
  )
}
