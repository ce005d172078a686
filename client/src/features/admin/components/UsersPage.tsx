/**
 * Users and groups (administrators, ISO/IEC 20000-1 4.1.3 roles): list, create, change roles and
 * groups, deactivate. Built on GET/POST/PATCH /api/users and GET /api/groups.
 */
import { useState, type FormEvent } from 'react'
import { api, ApiError } from '../../../lib/api'
import { Link } from '../../../lib/router'
import { toast, ToastTone } from '../../../lib/toast'
import { Empty, ErrorBanner, Loading } from '../../../lib/ui'
import { useApi } from '../../../lib/use-api'
import type { CompetenceGap } from '../../sms/api/sms'

interface AdminUser {
  id: number
  username: string
  displayName: string
  email: string | null
  roles: string[]
  groups: (string | { id: string; isLead?: boolean })[]
  active: boolean
}
interface Group {
  id: string
  name: string
  description?: string
  members?: number
}

const roles = ['admin', 'process-owner', 'staff', 'auditor', 'customer'] as const
const isLead = (u: AdminUser, id: string) =>
  u.groups.some((g) => typeof g !== 'string' && g.id === id && g.isLead === true)
const groupIds = (u: AdminUser) => u.groups.map((g) => (typeof g === 'string' ? g : g.id))
const listOf = <T,>(v: unknown): T[] =>
  Array.isArray(v) ? (v as T[]) : ((v as { items?: T[] })?.items ?? [])

function UserRow({
  user,
  groups,
  onSaved,
}: {
  user: AdminUser
  groups: Group[]
  onSaved: () => void
}) {
  const [editing, setEditing] = useState(false)
  const [r, setR] = useState(user.roles)
  const [g, setG] = useState(groupIds(user))
  const [error, setError] = useState<unknown>()
  // 4.4.2: a group lead or CAB member assigned without the role's competence is flagged
  const [gaps, setGaps] = useState<CompetenceGap[]>([])
  const patch = (body: Record<string, unknown>) =>
    api<{ competenceWarnings?: CompetenceGap[] }>(`/users/${user.id}`, {
      method: 'PATCH',
      body,
    }).then((res) => {
      setEditing(false)
      setError(undefined)
      const found = res?.competenceWarnings ?? []
      setGaps(found)
      if (found.length) {
        toast(`${user.username} lacks competence the new role requires.`, ToastTone.Info)
      }
      onSaved()
    }, setError)
  return (
    <tr>
      <td>
        <strong>{user.username}</strong>
        <div className="small muted">{user.displayName}</div>
      </td>
      <td>{user.email ?? '—'}</td>
      <td>
        {editing ? (
          <fieldset className="row" style={{ border: 0, padding: 0 }}>
            <legend className="visually-hidden">Roles of {user.username}</legend>
            {roles.map((role) => (
              <label key={role} className="row small">
                <input
                  type="checkbox"
                  checked={r.includes(role)}
                  onChange={(e) =>
                    setR(e.target.checked ? [...r, role] : r.filter((x) => x !== role))
                  }
                />
                {role}
              </label>
            ))}
          </fieldset>
        ) : (
          user.roles.map((role) => (
            <span key={role} className="badge accent" style={{ marginRight: 4 }}>
              {role}
            </span>
          ))
        )}
      </td>
      <td>
        {editing ? (
          <select
            multiple
            value={g}
            aria-label={`Groups of ${user.username}`}
            onChange={(e) => setG([...e.target.selectedOptions].map((o) => o.value))}
          >
            {groups.map((x) => (
              <option key={x.id} value={x.id}>
                {x.name}
              </option>
            ))}
          </select>
        ) : (
          groupIds(user).join(', ') || '—'
        )}
      </td>
      <td>
        {user.active ? (
          <span className="badge ok">active</span>
        ) : (
          <span className="badge">inactive</span>
        )}
      </td>
      <td>
        <div className="row">
          {editing ? (
            <>
              <button
                className="primary"
                onClick={() =>
                  void patch({
                    roles: r,
                    groups: g.map((id) => ({ id, isLead: isLead(user, id) })),
                  })
                }
              >
                Save
              </button>
              <button onClick={() => setEditing(false)}>Cancel</button>
            </>
          ) : (
            <button onClick={() => setEditing(true)}>Edit</button>
          )}
          <button
            className={user.active ? 'danger' : ''}
            onClick={() => void patch({ active: !user.active })}
          >
            {user.active ? 'Deactivate' : 'Activate'}
          </button>
        </div>
        <ErrorBanner error={error} />
        {gaps.length > 0 && (
          <div className="banner warn" data-testid={`competence-gaps-${user.username}`}>
            Competence gaps (ISO/IEC 20000-1 4.4.2):{' '}
            {gaps.map((g) => `${g.role}: ${g.competence} (${g.reason})`).join('; ')}. Plan the
            training under <Link href="/sms/competence">Competence</Link>.
          </div>
        )}
      </td>
    </tr>
  )
}

function CreateUser({ onCreated }: { onCreated: () => void }) {
  const [username, setUsername] = useState('')
  const [displayName, setDisplayName] = useState('')
  const [email, setEmail] = useState('')
  const [role, setRole] = useState<string>('staff')
  const [error, setError] = useState<unknown>()
  const [created, setCreated] = useState('')
  async function submit(e: FormEvent) {
    e.preventDefault()
    try {
      const res = await api<{ password?: string }>('/users', {
        method: 'POST',
        body: { username, displayName, email: email || undefined, roles: [role] },
      })
      setCreated(
        res?.password
          ? `Created ${username}; one-time password: ${res.password}`
          : `Created ${username}.`,
      )
      setUsername('')
      setDisplayName('')
      setEmail('')
      setError(undefined)
      onCreated()
    } catch (err) {
      setError(err)
    }
  }
  return (
    <form className="card" onSubmit={(e) => void submit(e)} aria-label="New user">
      <h2>New user</h2>
      <div className="row">
        <div className="field">
          <label htmlFor="f-users-username">Username</label>
          <input
            id="f-users-username"
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            required
          />
        </div>
        <div className="field">
          <label htmlFor="f-users-display-name">Display name</label>
          <input
            id="f-users-display-name"
            value={displayName}
            onChange={(e) => setDisplayName(e.target.value)}
            required
          />
        </div>
        <div className="field">
          <label htmlFor="f-users-e-mail">E-mail</label>
          <input
            id="f-users-e-mail"
            type="email"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="f-users-role">Role</label>
          <select id="f-users-role" value={role} onChange={(e) => setRole(e.target.value)}>
            {roles.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
        </div>
        <button type="submit" style={{ alignSelf: 'end' }}>
          Create
        </button>
      </div>
      {created && (
        <div className="banner ok" role="status">
          {created}
        </div>
      )}
      <ErrorBanner error={error} />
    </form>
  )
}

function CreateGroup({ onCreated }: { onCreated: () => void }) {
  const [id, setId] = useState('')
  const [name, setName] = useState('')
  const [error, setError] = useState<unknown>()
  return (
    <form
      aria-label="New group"
      className="row"
      onSubmit={(e) => {
        e.preventDefault()
        api('/groups', { method: 'POST', body: { id, name } }).then(() => {
          setId('')
          setName('')
          setError(undefined)
          onCreated()
        }, setError)
      }}
    >
      <div className="field">
        <label htmlFor="group-id">Group id</label>
        <input
          id="group-id"
          value={id}
          onChange={(e) => setId(e.target.value)}
          pattern="[a-z][a-z0-9\-]+"
          required
        />
      </div>
      <div className="field">
        <label htmlFor="group-name">Group name</label>
        <input id="group-name" value={name} onChange={(e) => setName(e.target.value)} required />
      </div>
      <button type="submit" style={{ alignSelf: 'end' }}>
        Create group
      </button>
      <ErrorBanner error={error} />
    </form>
  )
}

export default function UsersPage() {
  const users = useApi<unknown>('/users')
  const groups = useApi<unknown>('/groups')
  const userList = listOf<AdminUser>(users.data)
  const groupList = listOf<Group>(groups.data)
  const missing = users.error instanceof ApiError && users.error.status === 404
  return (
    <div>
      <h1>Users & groups</h1>
      {missing ? (
        <div className="banner info">User administration is not available on this server yet.</div>
      ) : (
        <ErrorBanner error={users.error} />
      )}
      {!missing && <CreateUser onCreated={users.reload} />}
      {users.loading && !users.data && <Loading />}
      {users.data !== undefined && userList.length === 0 && <Empty>No users.</Empty>}
      {userList.length > 0 && (
        <table className="data" aria-label="Users" style={{ marginTop: '0.75rem' }}>
          <thead>
            <tr>
              <th>User</th>
              <th>E-mail</th>
              <th>Roles</th>
              <th>Groups</th>
              <th>State</th>
              <th>Actions</th>
            </tr>
          </thead>
          <tbody>
            {userList.map((u) => (
              <UserRow key={u.id} user={u} groups={groupList} onSaved={users.reload} />
            ))}
          </tbody>
        </table>
      )}
      {!missing && (
        <section className="card" aria-labelledby="groups-title" style={{ marginTop: '0.75rem' }}>
          <h2 id="groups-title">Groups</h2>
          <CreateGroup onCreated={groups.reload} />
          <ul className="list-plain">
            {groupList.map((g) => (
              <li key={g.id}>
                <strong>{g.name}</strong> <span className="muted small">{g.id}</span>
                {g.members !== undefined && <span className="badge">{g.members} members</span>}
                {g.description && <div className="small muted">{g.description}</div>}
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  )
}
