import { useEffect, useState, type FormEvent } from 'react'
import { ApiError } from '../lib/api'
import { loadSession, login, logout, type User } from './session'

function LoginForm({ onLogin }: { onLogin: (u: User) => void }) {
  const [username, setUsername] = useState('')
  const [password, setPassword] = useState('')
  const [error, setError] = useState('')
  const [busy, setBusy] = useState(false)
  async function submit(e: FormEvent) {
    e.preventDefault()
    setBusy(true)
    setError('')
    try {
      onLogin(await login(username, password))
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'Login failed')
    } finally {
      setBusy(false)
    }
  }
  return (
    <main className="login">
      <form onSubmit={submit} aria-labelledby="login-title">
        <h1 id="login-title">Service Management</h1>
        <label>
          Username
          <input
            name="username"
            autoComplete="username"
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            required
          />
        </label>
        <label>
          Password
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
        </label>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          Log in
        </button>
      </form>
    </main>
  )
}

export function App() {
  const [user, setUser] = useState<User | null | undefined>(undefined)
  useEffect(() => {
    void loadSession().then(setUser)
  }, [])
  if (user === undefined) return <p aria-busy="true">Loading…</p>
  if (!user) return <LoginForm onLogin={setUser} />
  return (
    <div className="shell">
      <header>
        <strong>Service Management</strong>
        <span>
          {user.displayName} ({user.roles.join(', ')})
        </span>
        <button onClick={() => void logout().then(() => setUser(null))}>Log out</button>
      </header>
      <main>
        <h1>Welcome, {user.displayName}</h1>
      </main>
    </div>
  )
}
