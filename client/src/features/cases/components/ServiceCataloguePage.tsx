/**
 * The service catalogue in force, for customers (ISO/IEC 20000-1 6.1): each service with what it
 * is, what may be requested of it and the service levels its agreed SLA promises — response and
 * resolution per priority in plain words, and the hours they count in. Read from
 * `GET /api/service-catalogue`, the same catalogue the server holds a request against; an item
 * is requested from here on "My requests".
 */
import { Link } from '../../../lib/router'
import { Empty, ErrorBanner, Loading } from '../../../lib/ui'
import { useApi } from '../../../lib/use-api'
import {
  calendarInWords,
  priorityInWords,
  serviceCataloguePath,
  targetInWords,
  type PublishedCatalogue,
  type PublishedService,
} from '../api/service-catalogue'

function ServiceLevels({ service }: { service: PublishedService }) {
  const levels = service.serviceLevels
  if (!levels) return <p className="small muted">No service levels are agreed for this service.</p>
  return (
    <>
      <h3 id={`levels-${service.serviceId}`}>Service levels</h3>
      <p className="small">
        Agreed in {levels.name}. Our targets count {calendarInWords(levels.calendar)}
        {levels.serviceHours ? `; service hours: ${levels.serviceHours}` : ''}.
      </p>
      <table aria-labelledby={`levels-${service.serviceId}`}>
        <thead>
          <tr>
            <th scope="col">Priority</th>
            <th scope="col">Our promise</th>
          </tr>
        </thead>
        <tbody>
          {levels.targets.map((t) => (
            <tr key={t.priority}>
              <th scope="row">{priorityInWords(t.priority)}</th>
              <td>{targetInWords(t, levels.calendar)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  )
}

function ServiceCard({ service }: { service: PublishedService }) {
  const headingId = `service-${service.serviceId}`
  return (
    <section className="card" aria-labelledby={headingId}>
      <h2 id={headingId}>{service.name}</h2>
      {service.description && <p>{service.description}</p>}
      {service.serviceHours && <p className="small">Service hours: {service.serviceHours}</p>}
      <h3 id={`items-${service.serviceId}`}>What you can request</h3>
      {service.items.length === 0 ? (
        <p className="small muted">
          Nothing to request here; if the service fails, report an incident.
        </p>
      ) : (
        <ul aria-labelledby={`items-${service.serviceId}`}>
          {service.items.map((i) => (
            <li key={i.id}>
              <strong>{i.name}</strong>
              {i.description && ` — ${i.description}`}
              {i.requiresApproval && (
                <span className="small"> (approved before fulfilment)</span>
              )}{' '}
              <Link
                href={`/requests?item=${encodeURIComponent(i.id)}`}
                aria-label={`Request ${i.name}`}
              >
                Request
              </Link>
            </li>
          ))}
        </ul>
      )}
      <ServiceLevels service={service} />
    </section>
  )
}

export default function ServiceCataloguePage() {
  const catalogue = useApi<PublishedCatalogue>(serviceCataloguePath)
  if (!catalogue.data && !catalogue.error) return <Loading />
  const doc = catalogue.data?.document
  const services = catalogue.data?.services ?? []
  return (
    <div>
      <h1>Service catalogue</h1>
      <ErrorBanner error={catalogue.error} />
      {doc && (
        <p className="small muted" data-testid="catalogue-version">
          In force since {new Date(doc.effectiveFrom).toLocaleDateString()} (catalogue {doc.id},
          version {doc.version}).
        </p>
      )}
      {catalogue.data && services.length === 0 && <Empty>No services are offered.</Empty>}
      {services.map((s) => (
        <ServiceCard key={s.serviceId} service={s} />
      ))}
    </div>
  )
}
