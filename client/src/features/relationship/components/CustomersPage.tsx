/**
 * Customers (ISO/IEC 20000-1 7.1): organisations with their named relationship manager, their
 * contacts (customer users), the services they take and their next service review (6.1), and
 * the satisfaction measured by surveys. Relationship and SMS managers record organisations and
 * contacts; others read.
 */
import { useState, type FormEvent } from 'react'
import { Empty, ErrorBanner, Loading } from '../../../lib/ui'
import { useApi } from '../../../lib/use-api'
import type { User } from '../../../lib/user'
import {
  addContact,
  createOrganisation,
  isRelationshipManager,
  type Organisation,
  type RelationshipSettings,
  type Survey,
} from '../api/relationship'

function NewOrganisation({ user, onCreated }: { user: User; onCreated: () => void }) {
  const [name, setName] = useState('')
  const [manager, setManager] = useState(user.username)
  const [error, setError] = useState<unknown>()
  async function submit(e: FormEvent) {
    e.preventDefault()
    try {
      await createOrganisation({ name, relationshipManager: manager })
      setName('')
      setError(undefined)
      onCreated()
    } catch (err) {
      setError(err)
    }
  }
  return (
    <form className="card" aria-label="Record a customer" onSubmit={(e) => void submit(e)}>
      <h2 style={{ marginTop: 0 }}>Record a customer</h2>
      <div className="row" style={{ flexWrap: 'wrap', alignItems: 'end' }}>
        <div className="field">
          <label htmlFor="org-name">Organisation</label>
          <input id="org-name" value={name} onChange={(e) => setName(e.target.value)} required />
        </div>
        <div className="field">
          <label htmlFor="org-manager">Relationship manager (username)</label>
          <input
            id="org-manager"
            value={manager}
            onChange={(e) => setManager(e.target.value)}
            required
          />
        </div>
        <button type="submit">Record</button>
      </div>
      <ErrorBanner error={error} />
    </form>
  )
}

function ContactForm({ org, onAdded }: { org: Organisation; onAdded: () => void }) {
  const [username, setUsername] = useState('')
  const [error, setError] = useState<unknown>()
  async function submit(e: FormEvent) {
    e.preventDefault()
    try {
      await addContact(org.id, username)
      setUsername('')
      setError(undefined)
      onAdded()
    } catch (err) {
      setError(err)
    }
  }
  return (
    <form
      className="row"
      aria-label={`Add a contact to ${org.name}`}
      onSubmit={(e) => void submit(e)}
    >
      <label htmlFor={`contact-${org.id}`} className="small">
        Add contact
      </label>
      <input
        id={`contact-${org.id}`}
        value={username}
        placeholder="customer username"
        onChange={(e) => setUsername(e.target.value)}
        required
      />
      <button type="submit">Add</button>
      <ErrorBanner error={error} />
    </form>
  )
}

export default function CustomersPage({ user }: { user: User }) {
  const orgs = useApi<{ items: Organisation[] }>('/relationship/customers')
  const surveys = useApi<{ items: Survey[] }>('/relationship/surveys')
  const settings = useApi<RelationshipSettings>('/relationship/settings')
  const writer = isRelationshipManager(user)
  if (!orgs.data && !orgs.error) return <Loading />
  const answered = (surveys.data?.items ?? []).filter((s) => s.score !== null)
  const average = answered.length
    ? (answered.reduce((n, s) => n + (s.score ?? 0), 0) / answered.length).toFixed(2)
    : 'none'
  return (
    <div>
      <h1>Customers</h1>
      <ErrorBanner error={orgs.error} />
      {writer && <NewOrganisation user={user} onCreated={orgs.reload} />}
      {(orgs.data?.items ?? []).length === 0 ? (
        <Empty>No customer recorded yet.</Empty>
      ) : (
        <table aria-label="Customer organisations">
          <thead>
            <tr>
              <th scope="col">Customer</th>
              <th scope="col">Relationship manager</th>
              <th scope="col">Contacts</th>
              <th scope="col">Services</th>
              <th scope="col">Next service review</th>
            </tr>
          </thead>
          <tbody>
            {orgs.data?.items.map((o) => (
              <tr key={o.id}>
                <td>
                  {o.name} <span className="small">{o.id}</span>
                </td>
                <td>{o.relationshipManager}</td>
                <td>
                  {o.contacts.map((c) => c.displayName).join(', ') || '—'}
                  {writer && <ContactForm org={o} onAdded={orgs.reload} />}
                </td>
                <td>{o.services.join(', ') || '—'}</td>
                <td>
                  {o.nextReviewAt ? new Date(o.nextReviewAt).toLocaleDateString() : '—'} (every{' '}
                  {o.reviewIntervalDays} days)
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <section className="card" aria-labelledby="satisfaction-title">
        <h2 id="satisfaction-title">Customer satisfaction</h2>
        <p>
          {answered.length} of {surveys.data?.items.length ?? 0} surveys answered; average score{' '}
          {average} of 5.
        </p>
        {settings.data && (
          <p className="small">
            Surveys after closing: {settings.data.surveyKinds.join(', ') || 'none'}; periodic every{' '}
            {settings.data.periodicSurveyDays} days. Complaints are resolved within{' '}
            {settings.data.complaintResolutionDays} days or escalated; definition of a complaint:{' '}
            {settings.data.complaintDefinitionDocumentId ?? 'not agreed yet'}.
          </p>
        )}
      </section>
    </div>
  )
}
