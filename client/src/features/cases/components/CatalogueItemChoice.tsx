/**
 * What a customer requests: an item of the service catalogue in force, and nothing else (ISO/IEC
 * 20000-1 6.1, 8.1). The choice lists the catalogue's requestable items by service, with what
 * each is and whether it is approved before it is fulfilled. The server refuses an item the
 * catalogue does not offer (422); its reason is shown at the choice.
 */
import { useId } from 'react'
import type { FieldError } from '../../../lib/api'
import { ErrorBanner } from '../../../lib/ui'
import { useApi } from '../../../lib/use-api'
import { serviceCataloguePath, type PublishedCatalogue } from '../api/service-catalogue'

/** The data key the choice fills (the request form's own field for it is not shown). */
export const catalogueItemKeys = ['catalogueItemId'] as const

/** Whether a server error is about the chosen item. */
export const isItemError = (e: FieldError) => e.path === '/data/catalogueItemId'

export function CatalogueItemChoice({
  value,
  onChange,
  errors,
}: {
  value: string
  onChange: (itemId: string) => void
  /** The server's field errors about the item, from the last submission. */
  errors: readonly FieldError[]
}) {
  const id = useId()
  const catalogue = useApi<PublishedCatalogue>(serviceCataloguePath)
  const services = (catalogue.data?.services ?? []).filter((s) => s.items.length > 0)
  const chosen = services.flatMap((s) => s.items).find((i) => i.id === value)
  const error = errors[0]?.message
  return (
    <div className="field">
      <label htmlFor={id}>What do you need? *</label>
      <select
        id={id}
        name="catalogueItemId"
        required
        value={value}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : chosen ? `${id}-about` : undefined}
        onChange={(e) => onChange(e.target.value)}
      >
        <option value="">Choose from the service catalogue…</option>
        {services.map((s) => (
          <optgroup key={s.serviceId} label={s.name}>
            {s.items.map((i) => (
              <option key={i.id} value={i.id}>
                {i.name}
              </option>
            ))}
          </optgroup>
        ))}
      </select>
      {error && (
        <span id={`${id}-error`} className="field-error">
          {error}
        </span>
      )}
      {chosen && (
        <p id={`${id}-about`} className="small muted">
          {chosen.description}
          {chosen.requiresApproval && ' It is approved before it is fulfilled.'}
        </p>
      )}
      <ErrorBanner error={catalogue.error} />
    </div>
  )
}
