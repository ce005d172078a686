/**
 * Migrating running instances to another version of a procedure (4.3.2), for administrators:
 * pick source and target version, read and edit the element mapping proposed from their diff,
 * select instances, dry-run, migrate, read each instance's result. Auditors see the same
 * panel read-only (dry run included, no migration).
 */
import { useEffect, useMemo, useState } from 'react'
import { Empty, ErrorBanner, Loading } from '../../../lib/ui'
import { useApi } from '../../../lib/use-api'
import {
  dryRun,
  instancesPath,
  migrate,
  planPath,
  type DryRunInstance,
  type MigrationPlan,
  type MigrationRequest,
  type MigrationResult,
  type RunningInstance,
} from '../api/migration'

interface VersionInfo {
  version: number
  runningInstances: number
}

const statusText: Record<string, string> = {
  mapped: 'same id',
  changed: 'same id, changed',
  'type-changed': 'type changed',
  removed: 'removed',
}

export function MigrationDialog({
  bpmnProcessId,
  name,
  versions,
  canMigrate,
  onClose,
  onMigrated,
}: {
  bpmnProcessId: string
  name: string
  versions: VersionInfo[]
  /** Administrators migrate; others only read and dry-run. */
  canMigrate: boolean
  onClose: () => void
  onMigrated: () => void
}) {
  const latest = versions[0]?.version ?? 1
  const initialSource =
    versions.find((v) => v.version !== latest && v.runningInstances > 0)?.version ??
    versions.find((v) => v.version !== latest)?.version ??
    latest
  const [from, setFrom] = useState(initialSource)
  const [to, setTo] = useState(latest)
  const valid = from !== to
  const plan = useApi<MigrationPlan>(valid ? planPath(bpmnProcessId, from, to) : null)
  const instances = useApi<RunningInstance[]>(valid ? instancesPath(bpmnProcessId, from) : null)
  const [targets, setTargets] = useState<Record<string, string>>({})
  const [selected, setSelected] = useState<Set<string>>(new Set())
  const [dry, setDry] = useState<DryRunInstance[]>()
  const [results, setResults] = useState<MigrationResult[]>()
  const [error, setError] = useState<unknown>()
  const [busy, setBusy] = useState(false)

  // a new plan or instance list starts from the proposal and every instance selected
  useEffect(() => {
    if (!plan.data) return
    setTargets(
      Object.fromEntries(plan.data.mappings.map((m) => [m.source.id, m.targetElementId ?? ''])),
    )
    setDry(undefined)
  }, [plan.data])
  useEffect(() => {
    setSelected(new Set((instances.data ?? []).map((i) => i.processInstanceKey)))
    setDry(undefined)
  }, [instances.data])

  const request = useMemo<MigrationRequest>(
    () => ({
      sourceVersion: from,
      targetVersion: to,
      mappingInstructions: Object.entries(targets)
        .filter(([, t]) => t !== '')
        .map(([sourceElementId, targetElementId]) => ({ sourceElementId, targetElementId })),
      processInstanceKeys: [...selected],
    }),
    [from, to, targets, selected],
  )
  const run = async (what: 'dry-run' | 'migrate') => {
    setBusy(true)
    setError(undefined)
    try {
      if (what === 'dry-run') {
        setDry((await dryRun(bpmnProcessId, request)).instances)
        setResults(undefined)
      } else {
        setResults((await migrate(bpmnProcessId, request)).results)
        setDry(undefined)
        instances.reload()
        onMigrated()
      }
    } catch (err) {
      setError(err)
    } finally {
      setBusy(false)
    }
  }
  const edit = (sourceId: string, targetId: string) => {
    setTargets((t) => ({ ...t, [sourceId]: targetId }))
    setDry(undefined)
  }
  const toggle = (key: string) => {
    setSelected((s) => {
      const next = new Set(s)
      if (next.has(key)) next.delete(key)
      else next.add(key)
      return next
    })
    setDry(undefined)
  }
  const migratable = dry?.filter((d) => d.canMigrate).length ?? 0
  const titleId = `migrate-${bpmnProcessId}`

  return (
    <section role="dialog" aria-labelledby={titleId} className="card" data-migration={bpmnProcessId}>
      <div className="row">
        <h3 id={titleId}>Migrate running instances of {name}</h3>
        <span className="spacer" />
        <button onClick={onClose}>Close</button>
      </div>
      <div className="row">
        <label>
          From version{' '}
          <select value={from} onChange={(e) => setFrom(Number(e.target.value))} aria-label="Source version">
            {versions.map((v) => (
              <option key={v.version} value={v.version}>
                v{v.version} ({v.runningInstances} running)
              </option>
            ))}
          </select>
        </label>
        <label>
          to version{' '}
          <select value={to} onChange={(e) => setTo(Number(e.target.value))} aria-label="Target version">
            {versions.map((v) => (
              <option key={v.version} value={v.version}>
                v{v.version}
              </option>
            ))}
          </select>
        </label>
      </div>
      {!valid && <p className="muted">Pick two different versions.</p>}
      <ErrorBanner error={plan.error ?? instances.error} />
      {valid && plan.loading && !plan.data && <Loading label="Comparing the versions…" />}
      {valid && plan.data && (
        <table className="data" aria-label="Element mapping">
          <thead>
            <tr>
              <th>Element in v{from}</th>
              <th>Type</th>
              <th>Diff</th>
              <th>Target in v{to}</th>
            </tr>
          </thead>
          <tbody>
            {plan.data.mappings.map((m) => (
              <tr key={m.source.id} data-source={m.source.id}>
                <td>
                  {m.source.name} <span className="muted small">{m.source.id}</span>
                </td>
                <td>{m.source.type}</td>
                <td>
                  <span className={`badge ${m.status === 'mapped' ? 'ok' : m.status === 'changed' ? '' : 'warn'}`}>
                    {statusText[m.status]}
                  </span>
                </td>
                <td>
                  <select
                    aria-label={`Target of ${m.source.id}`}
                    value={targets[m.source.id] ?? ''}
                    onChange={(e) => edit(m.source.id, e.target.value)}
                  >
                    <option value="">— no target —</option>
                    {plan.data!.targetElements
                      .filter((t) => t.type === m.source.type)
                      .map((t) => (
                        <option key={t.id} value={t.id}>
                          {t.name} ({t.id})
                        </option>
                      ))}
                  </select>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {valid && plan.data && plan.data.added.length > 0 && (
        <p className="small muted">
          New in v{to}: {plan.data.added.map((e) => `${e.name} (${e.id})`).join(', ')}
        </p>
      )}
      {valid && instances.data?.length === 0 && <Empty>No instance runs on v{from}.</Empty>}
      {valid && instances.data && instances.data.length > 0 && (
        <table className="data" aria-label="Running instances">
          <thead>
            <tr>
              <th>Migrate</th>
              <th>Instance</th>
              <th>Case</th>
              <th>Active elements</th>
            </tr>
          </thead>
          <tbody>
            {instances.data.map((i) => (
              <tr key={i.processInstanceKey} data-instance={i.processInstanceKey}>
                <td>
                  <input
                    type="checkbox"
                    aria-label={`Select instance ${i.processInstanceKey}`}
                    checked={selected.has(i.processInstanceKey)}
                    onChange={() => toggle(i.processInstanceKey)}
                  />
                </td>
                <td>{i.processInstanceKey}</td>
                <td>{i.caseId ?? '—'}</td>
                <td>{i.activeElements.map((a) => a.elementName).join(', ') || '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="row">
        <button disabled={busy || !valid || selected.size === 0} onClick={() => void run('dry-run')}>
          Dry run
        </button>
        {canMigrate && (
          <button
            className="primary"
            disabled={busy || !dry || migratable === 0}
            onClick={() => void run('migrate')}
            title={dry ? undefined : 'Run a dry run of this mapping first'}
          >
            Migrate {dry ? `${migratable} of ${dry.length}` : ''}
          </button>
        )}
      </div>
      <ErrorBanner error={error} />
      {dry && (
        <table className="data" aria-label="Dry run">
          <thead>
            <tr>
              <th>Instance</th>
              <th>Case</th>
              <th>Active element → target</th>
              <th>Outcome</th>
            </tr>
          </thead>
          <tbody>
            {dry.map((d) => (
              <tr key={d.processInstanceKey} data-dry-run={d.processInstanceKey}>
                <td>{d.processInstanceKey}</td>
                <td>{d.caseId ?? '—'}</td>
                <td>
                  {d.activeElements.map((a) => (
                    <div key={a.elementInstanceKey}>
                      {a.elementName} → {a.targetName ?? a.targetElementId ?? 'no target'}
                    </div>
                  ))}
                </td>
                <td>
                  {d.inEngineAlready ? (
                    <span className="badge warn">migrated in the engine; records to update</span>
                  ) : d.canMigrate ? (
                    <span className="badge ok">can migrate</span>
                  ) : (
                    <span className="badge danger">{d.problems.join('; ')}</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {results && (
        <table className="data" aria-label="Migration results">
          <thead>
            <tr>
              <th>Instance</th>
              <th>Result</th>
              <th>Reason</th>
            </tr>
          </thead>
          <tbody>
            {results.map((r) => (
              <tr key={r.processInstanceKey} data-result={r.processInstanceKey}>
                <td>{r.processInstanceKey}</td>
                <td>
                  <span className={`badge ${r.status === 'migrated' ? 'ok' : 'danger'}`}>{r.status}</span>
                </td>
                <td>{r.reason ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}
