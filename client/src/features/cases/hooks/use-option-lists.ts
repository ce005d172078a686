/**
 * Options of the taglists of a case form that pick records (`valuesKey` in the form): the CIs
 * and services the user may see, as `<id> <name>` options.
 */
import { useApi } from '../../../lib/use-api'
import type { FormComponent, FormOption, FormSchema } from '../api/case-data'
import { normalizeList, type CaseRecord } from '../api/cases'

/** Which list feeds which `valuesKey`. */
const sources: Record<string, string> = {
  affectedCisOptions: '/cis?limit=200',
  affectedServicesOptions: '/services?limit=200',
}

const valuesKeys = (components: FormComponent[]): string[] =>
  components.flatMap((c) => [
    ...(c.valuesKey ? [c.valuesKey] : []),
    ...valuesKeys(c.components ?? []),
  ])

const toOptions = (items: CaseRecord[]): FormOption[] =>
  items.map((r) => ({
    value: String(r.id),
    label: `${String(r.id)} ${String(r.name ?? '')}`.trim(),
  }))

/** The option lists `schema` needs, by `valuesKey` (empty until loaded). */
export function useOptionLists(schema: FormSchema | undefined): Record<string, FormOption[]> {
  const keys = new Set(schema ? valuesKeys(schema.components) : [])
  const cis = useApi<unknown>(keys.has('affectedCisOptions') ? sources.affectedCisOptions! : null)
  const services = useApi<unknown>(
    keys.has('affectedServicesOptions') ? sources.affectedServicesOptions! : null,
  )
  const lists: Record<string, FormOption[]> = {}
  if (cis.data) lists.affectedCisOptions = toOptions(normalizeList(cis.data).items)
  if (services.data) lists.affectedServicesOptions = toOptions(normalizeList(services.data).items)
  return lists
}
