/**
 * Users and groups (administrators, ISO/IEC 20000-1 4.1.3 roles): list, create, change roles and
 * groups, deactivate. Built on GET/POST/PATCH /api/users and GET /api/groups.
 */
import { useState, type FormEvent } from 'react'
import { api, ApiError } from '../../../lib/api'
import { Link } from '../../../lib/router'
import { toast, ToastTone } from '../../../lib/toast'
import { Empty, ErrorBanner, Field, fieldErrorOf, FormErrorBanner, Loading } from '../../../lib/ui'
import { useApi } from '../../../lib/use-api'
import type { CompetenceGap } from '../../sms'

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
/** What each role is called on screen. */
const roleLabels: Record<string, string> = {
  admin: 'Administrator',
  'process-owner': 'Process owner',
  staff: 'Staff',
  auditor: 'Auditor',
  customer: 'Customer',
}
const roleLabel = (role: string) => roleLabels[role] ?? role
/** What the server's patterns ask for, in words. */
const USERNAME_HINT =
  'Use 2 to 50 lower-case letters, digits, dots, hyphens or underscores, starting with a letter.'
const GROUP_ID_HINT =
  'Use 2 to 50 lower-case letters, digits or hyphens, starting with a letter (e.g. service-desk).'
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
  const patch = (body: Record<string, unknown>, done: string) =>
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
      } else toast(done)
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
                {roleLabel(role)}
              </label>
            ))}
          </fieldset>
        ) : (
          user.roles.map((role) => (
            <span key={role} className="badge accent" style={{ marginRight: 4 }}>
              {roleLabel(role)}
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
          groupIds(user)
            .map((id) => groups.find((x) => x.id === id)?.name ?? id)
            .join(', ') || '—'
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
                  void patch(
                    {
                      roles: r,
                      groups: g.map((id) => ({ id, isLead: isLead(user, id) })),
                    },
                    `${user.displayName || user.username} saved`,
                  )
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
            onClick={() =>
              void patch(
                { active: !user.active },
                `${user.displayName || user.username} ${user.active ? 'deactivated' : 'activated'}`,
              )
            }
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
  const [password, setPassword] = useState<{ username: string; password: string }>()
  async function submit(e: FormEvent) {
    e.preventDefault()
    try {
      const res = await api<{ password?: string }>('/users', {
        method: 'POST',
        body: { username, displayName, email: email || undefined, roles: [role] },
      })
      toast(`User ${username} created`)
      setPassword(res?.password ? { username, password: res.password } : undefined)
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
    <form className="card" onSubmit={(e) => void submit(e)} aria-label="New user" noValidate>
      <h2>New user</h2>
      <div className="row">
        <Field
          id="f-users-username"
          label="Username"
          error={fieldErrorOf(error, 'username', USERNAME_HINT)}
        >
          {(control) => (
            <input
              {...control}
              value={username}
              onChange={(e) => setUsername(e.target.value)}
              required
            />
          )}
        </Field>
        <Field
          id="f-users-display-name"
          label="Display name"
          error={fieldErrorOf(error, 'displayName')}
        >
          {(control) => (
            <input
              {...control}
              value={displayName}
              onChange={(e) => setDisplayName(e.target.value)}
              required
            />
          )}
        </Field>
        <Field id="f-users-e-mail" label="E-mail" error={fieldErrorOf(error, 'email')}>
          {(control) => (
            <input
              {...control}
              type="email"
              value={email}
              onChange={(e) => setEmail(e.target.value)}
            />
          )}
        </Field>
        <Field id="f-users-role" label="Role" error={fieldErrorOf(error, 'roles')}>
          {(control) => (
            <select {...control} value={role} onChange={(e) => setRole(e.target.value)}>
              {roles.map((r) => (
                <option key={r} value={r}>
                  {roleLabel(r)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <button type="submit" style={{ alignSelf: 'end' }}>
          Create
        </button>
      </div>
      {password && (
        <div className="banner ok">
          One-time password of {password.username}: <code>{password.password}</code> (shown once;
          they choose their own at first login)
        </div>
      )}
      <FormErrorBanner error={error} keys={['username', 'displayName', 'email', 'roles']} />
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
      noValidate
      onSubmit={(e) => {
        e.preventDefault()
        api('/groups', { method: 'POST', body: { id, name } }).then(() => {
          toast(`Group ${name} created`)
          setId('')
          setName('')
          setError(undefined)
          onCreated()
        }, setError)
      }}
    >
      <Field id="group-id" label="Group id" error={fieldErrorOf(error, 'id', GROUP_ID_HINT)}>
        {(control) => (
          <input {...control} value={id} onChange={(e) => setId(e.target.value)} required />
        )}
      </Field>
      <Field id="group-name" label="Group name" error={fieldErrorOf(error, 'name')}>
        {(control) => (
          <input {...control} value={name} onChange={(e) => setName(e.target.value)} required />
        )}
      </Field>
      <button type="submit" style={{ alignSelf: 'end' }}>
        Create group
      </button>
      <FormErrorBanner error={error} keys={['id', 'name']} />
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
                {g.members !== undefined && (
                  <span className="badge">
                    {g.members} {g.members === 1 ? 'member' : 'members'}
                  </span>
                )}
                {g.description && <div className="small muted">{g.description}</div>}
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  )
}
