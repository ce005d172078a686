/** A RACI (ISO/IEC 20000-1 4.1.3): who is Responsible, Accountable, Consulted, Informed. */
import type { Raci } from '../api/sms'

export function RaciTable({ raci, label }: { raci: Raci; label: string }) {
  return (
    <table className="data" aria-label={label}>
      <thead>
        <tr>
          <th>Activity</th>
          <th>Responsible</th>
          <th>Accountable</th>
          <th>Consulted</th>
          <th>Informed</th>
        </tr>
      </thead>
      <tbody>
        {raci.rows.map((r) => (
          <tr key={r.activity}>
            <td>{r.activity}</td>
            <td>{r.responsible.join(', ')}</td>
            <td>{r.accountable}</td>
            <td>{r.consulted.join(', ')}</td>
            <td>{r.informed.join(', ')}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
