/**
 * The application: login, the shell (header, role-aware navigation, skip link) and the route
 * table that composes the features. Features are lazy-loaded so the inbox loads fast.
 */
import {
  Component,
  lazy,
  Suspense,
  useEffect,
  useRef,
  useState,
  type FormEvent,
  type MouseEvent,
  type ReactNode,
} from 'react'
import { ApiError, SESSION_EXPIRED } from '../lib/api'
import { Link, matchPath, navigate, useLocation } from '../lib/router'
import { closeSocket, useLiveStatus } from '../lib/socket'
import { useScrollableTables } from '../lib/scrollable-tables'
import { Toaster } from '../lib/toast'
import { Loading } from '../lib/ui'
import type { User } from '../lib/user'
import { InboxPage } from '../features/inbox/components/InboxPage'
import { MyTasksPanel } from '../features/inbox/components/MyTasksPanel'
import { TaskView } from '../features/inbox/components/TaskView'
import { homeFor, navFor, rolesFor } from './nav'
import { loadSession, login, logout } from './session'

/** The product's name: the brand in the header and the end of every page title. */
const APP_NAME = 'Service Management'

const CaseListPage = lazy(() => import('../features/cases/components/CaseListPage'))
const CaseDetailPage = lazy(() => import('../features/cases/components/CaseDetailPage'))
const ChangeCalendar = lazy(() => import('../features/cases/components/ChangeCalendar'))
const StandardChangesPage = lazy(() => import('../features/cases/components/StandardChangesPage'))
const BaselinesPage = lazy(() => import('../features/cases/components/BaselinesPage'))
const MyRequestsPage = lazy(() => import('../features/cases/components/MyRequestsPage'))
const ServiceCataloguePage = lazy(() => import('../features/cases/components/ServiceCataloguePage'))
const ProcessesPage = lazy(() => import('../features/processes/components/ProcessesPage'))
const ModelerPage = lazy(() => import('../features/modeler/components/ModelerPage'))
const FormsPage = lazy(() => import('../features/modeler/components/FormsPage'))
const DecisionEditorPage = lazy(() => import('../features/modeler/components/DecisionEditorPage'))
const ReplayPage = lazy(() => import('../features/replay/components/ReplayPage'))
const EvidencePage = lazy(() => import('../features/replay/components/EvidencePage'))
const ReportsPage = lazy(() => import('../features/reports/components/ReportsPage'))
const UsersPage = lazy(() => import('../features/admin/components/UsersPage'))
const SmsDocumentsPage = lazy(() => import('../features/sms/components/SmsDocumentsPage'))
const SmsDocumentPage = lazy(() => import('../features/sms/components/SmsDocumentPage'))
const RisksPage = lazy(() => import('../features/sms/components/RisksPage'))
const PartiesPage = lazy(() => import('../features/sms/components/PartiesPage'))
const CompetencePage = lazy(() => import('../features/sms/components/CompetencePage'))
const RaciPage = lazy(() => import('../features/sms/components/RaciPage'))
const ProgrammePage = lazy(() => import('../features/sms-audit/components/ProgrammePage'))
const AuditPage = lazy(() => import('../features/sms-audit/components/AuditPage'))
const ReviewsPage = lazy(() => import('../features/sms-audit/components/ReviewsPage'))
const SurveysPage = lazy(() => import('../features/relationship/components/SurveysPage'))
const CustomersPage = lazy(() => import('../features/relationship/components/CustomersPage'))
const CompliancePage = lazy(() => import('../features/compliance/components/CompliancePage'))
const RequirementPage = lazy(() => import('../features/compliance/components/RequirementPage'))
const GapsPage = lazy(() => import('../features/compliance/components/GapsPage'))
const ContinuityPage = lazy(() => import('../features/continuity/components/ContinuityPage'))
const CapacityPage = lazy(() => import('../features/continuity/components/CapacityPage'))
const SecurityPage = lazy(() => import('../features/security/components/SecurityPage'))
const RiskAssessmentsPage = lazy(
  () => import('../features/security/components/RiskAssessmentsPage'),
)
const FinancePage = lazy(() => import('../features/finance/components/FinancePage'))

function LoginForm({ onLogin }: { onLogin: (u: User) => void }) {
  useEffect(() => {
    document.title = `Log in · ${APP_NAME}`
  }, [])
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
      <form onSubmit={(e) => void submit(e)} aria-labelledby="login-title">
        <h1 id="login-title">Service Management</h1>
        <label>
          Username
          <input
            name="username"
            autoComplete="username"
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            required
            autoFocus
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

function Forbidden() {
  return (
    <section className="card" role="alert">
      <h1>Not allowed</h1>
      <p>You do not have access to this page.</p>
    </section>
  )
}

function NotFound() {
  return (
    <section className="card">
      <h1>Page not found</h1>
      <Link href="/">Go to the start page</Link>
    </section>
  )
}

/** Keeps a failing screen from blanking the whole app; resets on navigation. */
class ScreenBoundary extends Component<{ children: ReactNode }, { error: Error | null }> {
  state = { error: null as Error | null }
  static getDerivedStateFromError(error: Error) {
    return { error }
  }
  render() {
    if (!this.state.error) return this.props.children
    return (
      <section className="card" role="alert">
        <h1>Something went wrong</h1>
        <p>{this.state.error.message}</p>
        <button onClick={() => window.location.reload()}>Reload</button>
      </section>
    )
  }
}

/**
 * Keeps document.title as "<the page's heading> · Service Management" (WCAG 2.4.2): screens
 * load lazily and records arrive later, so the heading is watched, not read once.
 */
function usePageTitle() {
  useEffect(() => {
    const main = document.getElementById('main')
    if (!main) return
    let queued = false
    const update = () => {
      queued = false
      const h1 = main.querySelector('h1')?.textContent?.replace(/\s+/g, ' ').trim()
      const title = h1 ? `${h1} · ${APP_NAME}` : APP_NAME
      if (document.title !== title) document.title = title
    }
    update()
    // diagram canvases change often: one update per frame at most
    const observer = new MutationObserver(() => {
      if (queued) return
      queued = true
      requestAnimationFrame(update)
    })
    observer.observe(main, { childList: true, subtree: true, characterData: true })
    return () => observer.disconnect()
  }, [])
}

type Render = (p: Record<string, string>, user: User, query: URLSearchParams) => ReactNode

/** Path patterns → screens; the first match wins. */
const routes: [string, Render][] = [
  ['/inbox', (_p, u) => <InboxPage user={u} />],
  ['/inbox/:taskId', (p, u) => <InboxPage user={u} taskId={p.taskId} />],
  [
    '/requests',
    (_p, u) => <MyRequestsPage user={u} tasks={<MyTasksPanel basePath="/requests/tasks" />} />,
  ],
  [
    '/requests/tasks/:taskId',
    (p, u) => (
      <TaskView taskId={p.taskId!} user={u} onChanged={() => undefined} backTo="/requests" />
    ),
  ],
  ['/catalogue', () => <ServiceCataloguePage />],
  ['/calendar', () => <ChangeCalendar />],
  ['/standard-changes', (_p, u) => <StandardChangesPage user={u} />],
  ['/baselines', () => <BaselinesPage />],
  ['/cases/:kind', (p, u) => <CaseListPage kind={p.kind!} user={u} />],
  ['/cases/:kind/:id', (p, u) => <CaseDetailPage kind={p.kind!} id={p.id!} user={u} />],
  ['/processes', (_p, u) => <ProcessesPage user={u} />],
  [
    '/modeler',
    (_p, u, q) => (
      <ModelerPage
        user={u}
        draftId={q.get('draft')}
        processId={q.get('process')}
        isNew={q.get('new') === '1'}
      />
    ),
  ],
  ['/forms', (_p, _u, q) => <FormsPage formId={q.get('id')} />],
  [
    '/decisions',
    (_p, u, q) => (
      <DecisionEditorPage
        key={`${q.get('draft') ?? ''}|${q.get('id') ?? ''}`}
        user={u}
        draftId={q.get('draft')}
        decisionsId={q.get('id')}
      />
    ),
  ],
  [
    '/replay',
    (_p, _u, q) => (
      <ReplayPage
        instanceKey={q.get('instance')}
        process={q.get('process')}
        version={q.get('version')}
        element={q.get('element')}
      />
    ),
  ],
  [
    '/evidence',
    (_p, _u, q) => <EvidencePage requirement={q.get('requirement')} entityId={q.get('entityId')} />,
  ],
  ['/reports', (_p, u, q) => <ReportsPage user={u} snapshotId={q.get('snapshot')} />],
  ['/admin/users', () => <UsersPage />],
  ['/sms/documents', (_p, u, q) => <SmsDocumentsPage user={u} clause={q.get('clause')} />],
  ['/sms/documents/:id', (p, u) => <SmsDocumentPage id={p.id!} user={u} />],
  ['/sms/risks', (_p, u) => <RisksPage user={u} />],
  ['/sms/parties', (_p, u) => <PartiesPage user={u} />],
  ['/sms/competence', () => <CompetencePage />],
  ['/sms/raci', (_p, u, q) => <RaciPage user={u} type={q.get('type')} id={q.get('id')} />],
  [
    '/sms/programme',
    (_p, u, q) => (
      <ProgrammePage user={u} year={Number(q.get('year')) || new Date().getUTCFullYear()} />
    ),
  ],
  ['/sms/audits/:id', (p, u) => <AuditPage user={u} id={p.id!} />],
  ['/sms/reviews', (_p, u) => <ReviewsPage user={u} id={null} />],
  ['/sms/reviews/:id', (p, u) => <ReviewsPage user={u} id={p.id!} />],
  ['/surveys', () => <SurveysPage />],
  ['/relationship/customers', (_p, u) => <CustomersPage user={u} />],
  ['/compliance', (_p, _u, q) => <CompliancePage clause={q.get('clause')} />],
  ['/compliance/:id', (p, _u, q) => <RequirementPage key={p.id} id={p.id!} query={q} />],
  ['/compliance-gaps', () => <GapsPage />],
  ['/continuity', (_p, u) => <ContinuityPage user={u} />],
  ['/capacity', () => <CapacityPage />],
  ['/security', (_p, u) => <SecurityPage user={u} />],
  ['/security/risk-assessments', () => <RiskAssessmentsPage id={null} />],
  ['/security/risk-assessments/:id', (p) => <RiskAssessmentsPage id={p.id!} />],
  ['/finance', (_p, u) => <FinancePage user={u} />],
]

function Routes({ user }: { user: User }) {
  const { path, query } = useLocation()
  useEffect(() => {
    if (path === '/') navigate(homeFor(user), { replace: true })
  }, [path, user])
  // After in-app navigation, move focus to the content so screen readers announce the new page.
  const first = useRef(true)
  useEffect(() => {
    if (first.current) {
      first.current = false
      return
    }
    document.getElementById('main')?.focus({ preventScroll: true })
  }, [path])
  usePageTitle()
  const need = rolesFor(path)
  if (need && !need.some((r) => user.roles.includes(r))) return <Forbidden />
  for (const [pattern, render] of routes) {
    const params = matchPath(pattern, path)
    if (params)
      return (
        <ScreenBoundary key={path}>
          <Suspense fallback={<Loading />}>{render(params, user, query)}</Suspense>
        </ScreenBoundary>
      )
  }
  return path === '/' ? <Loading /> : <NotFound />
}

/** Shows whether live updates are flowing (socket.io connected). */
function LiveIndicator() {
  const up = useLiveStatus()
  return (
    <span className="small" title={up ? 'Live updates on' : 'Reconnecting…'}>
      <span aria-hidden="true" style={{ color: up ? '#4ade80' : '#fbbf24' }}>
        ●
      </span>{' '}
      {up ? 'Live' : 'Offline'}
    </span>
  )
}

/**
 * The main navigation collapses behind a menu button below 640 px (the button is hidden above).
 * Opening it moves focus to its first link; Esc closes it and returns focus to the button;
 * following a link closes it (focus then goes to the new page's content). It stays open only
 * on the page it was opened on.
 */
function useCollapsibleNav() {
  const { path } = useLocation()
  const [openOn, setOpenOn] = useState<string | null>(null)
  const open = openOn === path
  const button = useRef<HTMLButtonElement>(null)
  const nav = useRef<HTMLElement>(null)
  useEffect(() => {
    if (!open) return
    nav.current?.querySelector('a')?.focus()
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return
      setOpenOn(null)
      button.current?.focus()
    }
    document.addEventListener('keydown', onKey)
    return () => document.removeEventListener('keydown', onKey)
  }, [open])
  return {
    path,
    button: {
      ref: button,
      type: 'button' as const,
      className: 'menu-button',
      'aria-expanded': open,
      'aria-controls': 'main-nav',
      onClick: () => setOpenOn(open ? null : path),
    },
    nav: {
      ref: nav,
      id: 'main-nav',
      'aria-label': 'Main',
      className: open ? 'open' : undefined,
      onClick: (e: MouseEvent) => {
        if (e.target instanceof Element && e.target.closest('a')) setOpenOn(null)
      },
    },
  }
}

function Shell({ user, onLogout }: { user: User; onLogout: () => void }) {
  const { path, button, nav } = useCollapsibleNav()
  useScrollableTables('main')
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header>
        <button {...button}>
          <span aria-hidden="true">☰</span> Menu
        </button>
        <span className="brand">Service Management</span>
        <span className="spacer" />
        <LiveIndicator />
        <span className="small user" data-testid="current-user">
          {user.displayName} · {user.roles.join(', ')}
        </span>
        <button onClick={onLogout}>Log out</button>
      </header>
      <nav {...nav}>
        {navFor(user).map((s) => (
          <div key={s.title}>
            <h2>{s.title}</h2>
            <ul>
              {s.items.map((i) => (
                <li key={i.href}>
                  <Link
                    href={i.href}
                    aria-current={
                      path === i.href || path.startsWith(`${i.href}/`) ? 'page' : undefined
                    }
                  >
                    {i.label}
                  </Link>
                </li>
              ))}
            </ul>
          </div>
        ))}
      </nav>
      <main id="main" tabIndex={-1}>
        <Routes user={user} />
      </main>
      <Toaster />
    </div>
  )
}

/** The root component. */
export function App() {
  const [user, setUser] = useState<User | null | undefined>(undefined)
  useEffect(() => {
    void loadSession().then(setUser)
    const expired = () => {
      closeSocket()
      setUser(null)
    }
    window.addEventListener(SESSION_EXPIRED, expired)
    return () => window.removeEventListener(SESSION_EXPIRED, expired)
  }, [])
  if (user === undefined) return <Loading />
  if (!user) return <LoginForm onLogin={setUser} />
  return (
    <Shell
      user={user}
      onLogout={() =>
        void logout().then(() => {
          closeSocket()
          setUser(null)
          navigate('/')
        })
      }
    />
  )
}
