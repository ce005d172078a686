/**
 * The customer's satisfaction surveys (ISO/IEC 20000-1 7.1): the open ones to answer — sent
 * after a case of theirs closed or periodically — and those answered. Only their own (the
 * server answers nothing else). The definition of a complaint is shown so customers know what
 * a complaint is before they file one on "My requests".
 */
import { useState, type FormEvent } from 'react'
import { Link } from '../../../lib/router'
import { Empty, ErrorBanner, Loading } from '../../../lib/ui'
import { useApi } from '../../../lib/use-api'
import { answerSurvey, scores, type ComplaintDefinition, type Survey } from '../api/relationship'

function AnswerForm({ survey, onAnswered }: { survey: Survey; onAnswered: () => void }) {
  const [score, setScore] = useState<number>()
  const [comment, setComment] = useState('')
  const [error, setError] = useState<unknown>()
  async function submit(e: FormEvent) {
    e.preventDefault()
    if (!score) return
    try {
      await answerSurvey(survey.id, { score, ...(comment.trim() ? { comment } : {}) })
      onAnswered()
    } catch (err) {
      setError(err)
    }
  }
  const about = survey.caseId ? `your ${survey.caseKind ?? 'case'} ${survey.caseId}` : 'our service'
  return (
    <form className="card" aria-label={`Survey ${survey.id}`} onSubmit={(e) => void submit(e)}>
      <h2 style={{ marginTop: 0 }}>How satisfied are you with {about}?</h2>
      <p className="small">Sent {new Date(survey.sentAt).toLocaleDateString()}</p>
      <fieldset>
        <legend>Your rating</legend>
        {scores.map(([value, label]) => (
          <label key={value} style={{ display: 'block' }}>
            <input
              type="radio"
              name={`score-${survey.id}`}
              value={value}
              checked={score === value}
              onChange={() => setScore(value)}
              required
            />{' '}
            {label}
          </label>
        ))}
      </fieldset>
      <div className="field">
        <label htmlFor={`comment-${survey.id}`}>Comment</label>
        <textarea
          id={`comment-${survey.id}`}
          value={comment}
          maxLength={4000}
          onChange={(e) => setComment(e.target.value)}
        />
      </div>
      <ErrorBanner error={error} />
      <button type="submit" disabled={!score}>
        Send answer
      </button>
    </form>
  )
}

export default function SurveysPage() {
  const list = useApi<{ items: Survey[] }>('/relationship/surveys/mine')
  const definition = useApi<ComplaintDefinition>('/relationship/complaint-definition')
  const [thanks, setThanks] = useState(false)
  if (!list.data && !list.error) return <Loading />
  const items = list.data?.items ?? []
  const open = items.filter((s) => !s.answeredAt)
  const answered = items.filter((s) => s.answeredAt)
  return (
    <div>
      <h1>Surveys</h1>
      <ErrorBanner error={list.error} />
      {thanks && (
        <div className="banner ok" role="status">
          Thank you for your answer.
        </div>
      )}
      {open.length === 0 ? (
        <Empty>No survey waits for your answer.</Empty>
      ) : (
        open.map((s) => (
          <AnswerForm
            key={s.id}
            survey={s}
            onAnswered={() => {
              setThanks(true)
              list.reload()
            }}
          />
        ))
      )}
      {answered.length > 0 && (
        <section className="card" aria-labelledby="answered-title">
          <h2 id="answered-title">Answered</h2>
          <table>
            <thead>
              <tr>
                <th scope="col">Survey</th>
                <th scope="col">About</th>
                <th scope="col">Rating</th>
                <th scope="col">Comment</th>
              </tr>
            </thead>
            <tbody>
              {answered.map((s) => (
                <tr key={s.id}>
                  <td>{s.id}</td>
                  <td>{s.caseId ?? 'our service'}</td>
                  <td>{scores.find(([v]) => v === s.score)?.[1] ?? ''}</td>
                  <td>{s.comment ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      {definition.data && (
        <section className="card" aria-labelledby="complaint-definition-title">
          <h2 id="complaint-definition-title">What is a complaint?</h2>
          <p className="small">
            {definition.data.title}, version {definition.data.version}
          </p>
          <p style={{ whiteSpace: 'pre-wrap' }}>{definition.data.content}</p>
          <p>
            <Link href="/requests">File a complaint on My requests</Link>
          </p>
        </section>
      )}
    </div>
  )
}
