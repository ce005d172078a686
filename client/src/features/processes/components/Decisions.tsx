/**
 * The decisions (DMN) of the procedures under document control (4.3.2): per `.dmn` its deployed
 * versions (state, approver), the procedure versions evaluating it and its open drafts, with
 * "Edit decision" to open the decision editor. A procedure's card lists the decisions it calls.
 */
import { formatDateTime } from '../../../lib/format'
import { Link } from '../../../lib/router'
import { StatusBadge } from '../../../lib/ui'
import { hasRole, type User } from '../../../lib/user'
import type { DecisionFile } from '../../modeler'

/** The decisions a procedure's latest version evaluates, with a link to edit each file. */
export function ProcedureDecisions({
  bpmnProcessId,
  files,
  user,
}: {
  bpmnProcessId: string
  files: DecisionFile[]
  user: User
}) {
  const used = files.flatMap((f) =>
    f.calledBy.filter((c) => c.bpmnProcessId === bpmnProcessId).map((c) => ({ file: f, call: c })),
  )
  if (used.length === 0) return null
  return (
    <ul className="list-plain small" aria-label={`Decisions of ${bpmnProcessId}`}>
      {used.map(({ file, call }) => (
        <li key={`${file.decisionRequirementsId}-${call.decisionId}`}>
          Decision <strong>{file.decisions.find((d) => d.decisionId === call.decisionId)?.name ?? call.decisionId}</strong>{' '}
          <span className="muted">
            {call.decisionId} v{call.decisionVersion} (bound to v{call.version})
          </span>{' '}
          {hasRole(user, 'process-owner', 'admin') && (
            <Link href={`/decisions?id=${encodeURIComponent(file.decisionRequirementsId)}`}>Edit decision</Link>
          )}
        </li>
      ))}
    </ul>
  )
}

/** Versions and callers of one decision file (its drafts are rendered by the caller). */
export function DecisionVersions({ file }: { file: DecisionFile }) {
  return (
    <table className="data fixed" aria-label={`Versions of ${file.name}`}>
      <thead>
        <tr>
          <th>Version</th>
          <th>State</th>
          <th>Deployed</th>
          <th>By</th>
          <th>Approved by</th>
        </tr>
      </thead>
      <tbody>
        {file.versions.map((v) => (
          <tr key={v.version}>
            <td>v{v.version}</td>
            <td>
              <StatusBadge status={v.state} />
            </td>
            <td>{formatDateTime(v.deployedAt)}</td>
            <td>{v.deployedBy}</td>
            <td>{v.approvedBy ?? '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
