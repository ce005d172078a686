/**
 * The customer's view: their incidents and requests, and forms to raise new ones. A service
 * request is for an item of the service catalogue in force (6.1): the form offers those only;
 * `?item=<id>` (the catalogue page's "Request") opens it with the item chosen.
 */
import { useState, type ReactNode } from 'react'
import { Link, useLocation } from '../../../lib/router'
import { useServerEvents } from '../../../lib/socket'
import { Empty, ErrorBanner } from '../../../lib/ui'
import { useLiveReload } from '../../../lib/live-reload'
import { useApi } from '../../../lib/use-api'
import type { User } from '../../../lib/user'
import { isKindOf, kinds, normalizeList, withCaseStatus } from '../api/cases'
import { CaseTable } from './CaseTable'
import { CreateCaseForm } from './CreateCaseForm'

const mine = ['incidents', 'service-requests', 'complaints'] as const

/** Fields customers do not fill: the priority is decided by the desk, a request's service by its item. */
const notAsked: Record<string, readonly string[]> = {
  'service-requests': ['priority', 'serviceId'],
}

function Section({
  kind,
  user,
  item,
}: {
  kind: (typeof mine)[number]
  user: User
  /** A catalogue item to request straight away (service requests). */
  item?: string
}) {
  const info = kinds[kind]!
  const list = useApi<unknown>(`/${kind}?requester=${encodeURIComponent(user.username)}`)
  const requests = kind === 'service-requests'
  const [creating, setCreating] = useState(requests && !!item)
  const [created, setCreated] = useState('')
  // the customer's own cases only reach this page: a status change is applied in place
  const reloads = useLiveReload(list.reload, { minIntervalMs: 2000 })
  useServerEvents(['case.created', 'case.updated'], (name, p) => {
    if (!isKindOf(kind, p.case.kind)) return
    const patched =
      name === 'case.updated' ? withCaseStatus(list.data, p.case.caseId, p.case.status) : undefined
    if (patched) list.mutate(() => patched)
    else reloads.request()
  })
  const { items } = normalizeList(list.data)
  return (
    <section className="card" aria-labelledby={`mine-${kind}`}>
      <div className="row">
        <h2 id={`mine-${kind}`}>{info.label}</h2>
        <span className="spacer" />
        {!creating && <button onClick={() => setCreating(true)}>New {info.singular}</button>}
      </div>
      {requests && !creating && (
        <p className="small muted">
          What you can request, and the service levels we promise:{' '}
          <Link href="/catalogue">the service catalogue</Link>.
        </p>
      )}
      {created && (
        <div className="banner ok" role="status">
          Created {created}.
        </div>
      )}
      {creating && (
        <CreateCaseForm
          kind={kind}
          info={{
            ...info,
            create: info.create?.filter((f) => !(notAsked[kind] ?? ['priority']).includes(f.key)),
          }}
          fromCatalogue={requests ? { initialItem: item } : undefined}
          onCancel={() => setCreating(false)}
          onCreated={(c) => {
            setCreating(false)
            setCreated(String(c.id))
            list.reload()
          }}
        />
      )}
      <ErrorBanner error={list.error} />
      {list.data !== undefined && items.length === 0 ? (
        <Empty>Nothing yet.</Empty>
      ) : (
        <CaseTable
          kind={kind}
          items={items}
          columns={['id', 'title', 'status', 'createdAt']}
          label={info.label}
        />
      )}
    </section>
  )
}

export default function MyRequestsPage({ user, tasks }: { user: User; tasks?: ReactNode }) {
  const item = useLocation().query.get('item') ?? undefined
  return (
    <div>
      <h1>My requests</h1>
      {tasks}
      {mine.map((k) => (
        <Section key={k} kind={k} user={user} item={k === 'service-requests' ? item : undefined} />
      ))}
    </div>
  )
}
