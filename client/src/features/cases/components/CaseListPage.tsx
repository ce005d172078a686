/** Cases of one kind: search, status and priority filters, paging, create, live refresh. */
import { useEffect, useState } from 'react'
import { navigate } from '../../../lib/router'
import { useServerEvents } from '../../../lib/socket'
import { Empty, ErrorBanner, Loading, Pager } from '../../../lib/ui'
import { useLiveReload } from '../../../lib/live-reload'
import { useApi, withQuery } from '../../../lib/use-api'
import { hasRole, type User } from '../../../lib/user'
import { isKindOf, kinds, normalizeList, withCaseStatus } from '../api/cases'
import { CaseTable } from './CaseTable'
import { CreateCaseForm } from './CreateCaseForm'

const pageSize = 25

export default function CaseListPage({ kind, user }: { kind: string; user: User }) {
  const info = kinds[kind]
  const [q, setQ] = useState('')
  const [text, setText] = useState('')
  const [status, setStatus] = useState('')
  const [priority, setPriority] = useState('')
  const [page, setPage] = useState(1)
  const [sort, setSort] = useState('-createdAt')
  const [creating, setCreating] = useState(false)
  useEffect(() => {
    const t = setTimeout(() => {
      setQ(text)
      setPage(1)
    }, 300)
    return () => clearTimeout(t)
  }, [text])
  const list = useApi<unknown>(
    info
      ? withQuery(`/${kind}`, {
          q,
          status: status.trim().toLowerCase(),
          priority: info.operational ? priority : undefined,
          sort,
          limit: pageSize,
          offset: (page - 1) * pageSize,
        })
      : null,
  )

  // a status change of a listed case is applied in place (unless the list filters or sorts by
  // status); anything else reloads, coalesced, at most every 2 s, not while the tab is hidden
  const reloads = useLiveReload(list.reload, { delayMs: 300, minIntervalMs: 2000 })
  useServerEvents(['case.created', 'case.updated'], (name, p) => {
    if (!isKindOf(kind, p.case.kind)) return
    const patched =
      name === 'case.updated' && !status && !sort.includes('status')
        ? withCaseStatus(list.data, p.case.caseId, p.case.status)
        : undefined
    if (patched) list.mutate(() => patched)
    else reloads.request()
  })
  if (!info) return <ErrorBanner error={new Error(`Unknown case kind “${kind}”.`)} />
  const { items, total } = normalizeList(list.data)
  const canCreate =
    !!info.create &&
    (hasRole(user, 'admin') ||
      (hasRole(user, 'staff') && !['services', 'slas', 'suppliers'].includes(kind)) ||
      (hasRole(user, 'auditor') && kind === 'audit-findings'))
  return (
    <div>
      <div className="row">
        <h1>{info.label}</h1>
        <span className="spacer" />
        {canCreate && !creating && (
          <button className="primary" onClick={() => setCreating(true)}>
            New {info.singular}
          </button>
        )}
      </div>
      {creating && (
        <CreateCaseForm
          kind={kind}
          info={info}
          onCancel={() => setCreating(false)}
          onCreated={(c) => navigate(`/cases/${kind}/${encodeURIComponent(String(c.id))}`)}
        />
      )}
      <div
        className="toolbar"
        role="search"
        aria-label={`Filter ${info.label.toLowerCase()}`}
        style={{ marginTop: '0.75rem' }}
      >
        <div className="field">
          <label htmlFor="f-caselist-search">Search</label>
          <input
            id="f-caselist-search"
            type="search"
            value={text}
            onChange={(e) => setText(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="f-caselist-status">Status</label>
          <input
            id="f-caselist-status"
            value={status}
            onChange={(e) => {
              setStatus(e.target.value)
              setPage(1)
            }}
            placeholder="e.g. new"
          />
        </div>
        {info.operational && (
          <div className="field">
            <label htmlFor="f-caselist-priority">Priority</label>
            <select
              id="f-caselist-priority"
              value={priority}
              onChange={(e) => {
                setPriority(e.target.value)
                setPage(1)
              }}
            >
              <option value="">Any</option>
              {[1, 2, 3, 4].map((p) => (
                <option key={p} value={p}>
                  P{p}
                </option>
              ))}
            </select>
          </div>
        )}
      </div>
      <ErrorBanner error={list.error} />
      {list.loading && !list.data && <Loading />}
      {list.data !== undefined && items.length === 0 && (
        <Empty>No {info.label.toLowerCase()} found.</Empty>
      )}
      {items.length > 0 && (
        <CaseTable
          kind={kind}
          items={items}
          columns={info.columns}
          label={info.label}
          sort={sort}
          onSort={(next) => {
            setSort(next)
            setPage(1)
          }}
        />
      )}
      {list.data !== undefined && (
        <Pager page={page} pageSize={pageSize} total={total} onPage={setPage} />
      )}
    </div>
  )
}
