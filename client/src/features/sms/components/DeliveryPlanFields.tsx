/**
 * The structured sections of the service-delivery plans registered as SMS documents: the
 * continuity and availability plan (ISO/IEC 20000-1 6.3.2: procedures, targets, recovery, return
 * to normal, contacts) and the capacity plan (6.5). Written as text, one entry a line, and turned
 * into the content the server checks (server/src/sms/documents/document-schemas.ts).
 */
import type { CapacityPlanData, ContinuityPlanData } from '../api/sms'

const lines = (s: string) =>
  s
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
const cells = (line: string) => line.split(',').map((c) => c.trim())

export interface ContinuityPlanText {
  services: string
  procedures: string
  targets: string
  recovery: string
  returnToNormal: string
  contacts: string
}
export const emptyContinuityPlan: ContinuityPlanText = {
  services: '',
  procedures: '',
  targets: '',
  recovery: '',
  returnToNormal: '',
  contacts: '',
}

/** The plan's content; a target line the server would not read throws, naming the line. */
export function continuityPlanData(t: ContinuityPlanText): ContinuityPlanData {
  const targets = lines(t.targets).map((line) => {
    const [serviceId = '', availability, rto, rpo] = cells(line)
    const numbers = [availability, rto, rpo].map(Number)
    if (!serviceId || numbers.some((n) => !Number.isFinite(n)) || [rto, rpo].some((n) => !n)) {
      throw new Error(`Target "${line}": write service, availability %, RTO minutes, RPO minutes.`)
    }
    return {
      serviceId,
      availabilityPercent: numbers[0]!,
      rtoMinutes: numbers[1]!,
      rpoMinutes: numbers[2]!,
    }
  })
  const contacts = lines(t.contacts).map((line) => {
    const [name = '', role = '', phone, email] = cells(line)
    return { name, role, ...(phone ? { phone } : {}), ...(email ? { email } : {}) }
  })
  return {
    continuityPlan: {
      services: lines(t.services),
      procedures: t.procedures,
      targets,
      recovery: t.recovery,
      returnToNormal: t.returnToNormal,
      contacts,
    },
  }
}

const continuityLabels: [keyof ContinuityPlanText, string, string?][] = [
  ['services', 'Services covered (one id a line)', 'SVC-000001'],
  ['procedures', 'Procedures in the event of a major loss of service'],
  [
    'targets',
    'Targets (a line each: service, availability %, RTO minutes, RPO minutes)',
    'SVC-000001, 99.9, 60, 15',
  ],
  ['recovery', 'Recovery'],
  ['returnToNormal', 'Return to the normal working state'],
  ['contacts', 'Contacts (a line each: name, role, phone, e-mail)', 'Nico Network, service owner'],
]

export function ContinuityPlanFields({
  value,
  onChange,
}: {
  value: ContinuityPlanText
  onChange: (v: ContinuityPlanText) => void
}) {
  return (
    <fieldset>
      <legend>Continuity and availability plan (6.3.2)</legend>
      {continuityLabels.map(([k, label, placeholder]) => (
        <div className="field" key={k}>
          <label htmlFor={`continuity-${k}`}>{label}</label>
          <textarea
            id={`continuity-${k}`}
            rows={k === 'services' ? 2 : 3}
            value={value[k]}
            placeholder={placeholder}
            onChange={(e) => onChange({ ...value, [k]: e.target.value })}
            required
          />
        </div>
      ))}
    </fieldset>
  )
}

export type CapacityPlanText = CapacityPlanData['capacityPlan']
export const emptyCapacityPlan: CapacityPlanText = {
  currentAndForecastDemand: '',
  expectedImpact: '',
  performanceTargets: '',
  actions: '',
}

const capacityLabels: [keyof CapacityPlanText, string][] = [
  ['currentAndForecastDemand', 'Current and forecast demand'],
  ['expectedImpact', 'Expected impact on the services'],
  ['performanceTargets', 'Performance targets'],
  ['actions', 'Actions'],
]

export function CapacityPlanFields({
  value,
  onChange,
}: {
  value: CapacityPlanText
  onChange: (v: CapacityPlanText) => void
}) {
  return (
    <fieldset>
      <legend>Capacity plan (6.5)</legend>
      {capacityLabels.map(([k, label]) => (
        <div className="field" key={k}>
          <label htmlFor={`capacity-${k}`}>{label}</label>
          <textarea
            id={`capacity-${k}`}
            rows={3}
            value={value[k]}
            onChange={(e) => onChange({ ...value, [k]: e.target.value })}
            required={k !== 'actions'}
          />
        </div>
      ))}
    </fieldset>
  )
}

/** A version's continuity or capacity plan sections, as read on the document's page. */
export function DeliveryPlanContent({ data }: { data: object }) {
  if ('continuityPlan' in data) {
    const p = (data as ContinuityPlanData).continuityPlan
    return (
      <dl aria-label="Continuity and availability plan">
        <dt>Services</dt>
        <dd>{p.services.join(', ')}</dd>
        <dt>Procedures in the event of a major loss of service</dt>
        <dd style={{ whiteSpace: 'pre-wrap' }}>{p.procedures}</dd>
        <dt>Targets</dt>
        <dd>
          {p.targets.length
            ? p.targets
                .map(
                  (t) =>
                    `${t.serviceId}: ${t.availabilityPercent} % available, RTO ${t.rtoMinutes} min, RPO ${t.rpoMinutes} min`,
                )
                .join('; ')
            : '—'}
        </dd>
        <dt>Recovery</dt>
        <dd style={{ whiteSpace: 'pre-wrap' }}>{p.recovery}</dd>
        <dt>Return to the normal working state</dt>
        <dd style={{ whiteSpace: 'pre-wrap' }}>{p.returnToNormal}</dd>
        <dt>Contacts</dt>
        <dd>
          {p.contacts
            .map((c) => [c.name, c.role, c.phone, c.email].filter(Boolean).join(', '))
            .join('; ')}
        </dd>
      </dl>
    )
  }
  if ('capacityPlan' in data) {
    const p = (data as CapacityPlanData).capacityPlan
    return (
      <dl aria-label="Capacity plan">
        {capacityLabels.map(([k, label]) => (
          <div key={k}>
            <dt>{label}</dt>
            <dd style={{ whiteSpace: 'pre-wrap' }}>{p[k] || '—'}</dd>
          </div>
        ))}
      </dl>
    )
  }
  return null
}
