/**
 * Two versions of a document side by side (ISO/IEC 20000-1 4.3.2 e: changes identified): the
 * structured values that differ and the text line by line, as the server compares them.
 */
import { useState } from 'react'
import { ErrorBanner } from '../../../lib/ui'
import { compareVersions, type DocumentDetail, type VersionComparison } from '../api/sms'

const show = (x: unknown) => (x === null || x === undefined ? '—' : JSON.stringify(x))

export function CompareVersions({ doc }: { doc: DocumentDetail }) {
  const numbers = doc.versions.map((v) => v.version)
  const [from, setFrom] = useState(numbers[1] ?? numbers[0] ?? 1)
  const [to, setTo] = useState(numbers[0] ?? 1)
  const [result, setResult] = useState<VersionComparison>()
  const [error, setError] = useState<unknown>()
  if (numbers.length < 2) return null
  return (
    <section className="card" aria-labelledby="doc-compare">
      <h2 id="doc-compare" style={{ marginTop: 0 }}>
        Compare versions
      </h2>
      <form
        className="row"
        aria-label="Compare versions"
        onSubmit={(e) => {
          e.preventDefault()
          compareVersions(doc.id, from, to).then(
            (r) => (setResult(r), setError(undefined)),
            setError,
          )
        }}
      >
        {(
          [
            ['From', from, setFrom],
            ['To', to, setTo],
          ] as const
        ).map(([label, value, set]) => (
          <div className="field" key={label}>
            <label htmlFor={`compare-${label}`}>{label}</label>
            <select
              id={`compare-${label}`}
              value={value}
              onChange={(e) => set(Number(e.target.value))}
            >
              {numbers.map((n) => (
                <option key={n} value={n}>
                  v{n}
                </option>
              ))}
            </select>
          </div>
        ))}
        <button type="submit">Compare</button>
      </form>
      <ErrorBanner error={error} />
      {result && (
        <>
          <table className="data" aria-label="Changed values">
            <thead>
              <tr>
                <th>Value</th>
                <th>v{result.from.version}</th>
                <th>v{result.to.version}</th>
              </tr>
            </thead>
            <tbody>
              {result.data.length === 0 && (
                <tr>
                  <td colSpan={3}>No structured value changed.</td>
                </tr>
              )}
              {result.data.map((c) => (
                <tr key={c.path}>
                  <td>{c.path}</td>
                  <td>{show(c.before)}</td>
                  <td>{show(c.after)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <pre aria-label="Text changes" style={{ whiteSpace: 'pre-wrap' }}>
            {result.content
              .filter((l) => l.op !== '=')
              .map((l) => `${l.op} ${l.line}`)
              .join('\n') || 'No text changed.'}
          </pre>
        </>
      )}
    </section>
  )
}
