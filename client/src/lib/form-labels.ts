/**
 * Accessible names for form-js fields whose own labels do not tell them apart. A date-time field
 * renders two inputs, the date under `dateLabel` and the time under `timeLabel`; forms drawn in the
 * form editor keep its default time label "Time", so a form with a planned start and a planned
 * end (or a list of actions with a due date each) offers several inputs all called "Time", and a
 * person using a screen reader or voice control cannot tell which is which. The time input is
 * named after its date instead: "Planned start (time)". And form-js renders a checklist's options
 * and a list's rows without a group naming them; {@link nameFormGroups} adds those.
 */

type Component = Record<string, unknown>

const isComponent = (value: unknown): value is Component =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** Whether `label` is missing or form-js's default, which names no field. */
const isGenericTimeLabel = (label: unknown): boolean =>
  typeof label !== 'string' || label.trim() === '' || label.trim().toLowerCase() === 'time'

/** The time label a date-time component is rendered with. */
export function timeLabelOf(component: Component): string | undefined {
  if (component.type !== 'datetime' || component.subtype !== 'datetime') return undefined
  const dateLabel = typeof component.dateLabel === 'string' ? component.dateLabel.trim() : ''
  if (!isGenericTimeLabel(component.timeLabel) || !dateLabel) {
    return typeof component.timeLabel === 'string' ? component.timeLabel : undefined
  }
  return `${dateLabel} (time)`
}

/**
 * The schema with every date-time field's generic time label replaced by one naming its date, in
 * groups and lists too; everything else, and the schema passed in, is left as it is.
 */
export function withNamedTimeFields<T extends object>(schema: T): T {
  const rename = (component: Component): Component => {
    const components = Array.isArray(component.components)
      ? { components: component.components.map((c) => (isComponent(c) ? rename(c) : c)) }
      : {}
    const timeLabel = timeLabelOf(component)
    return {
      ...component,
      ...components,
      ...(timeLabel !== undefined ? { timeLabel } : {}),
    }
  }
  return rename(schema as Component) as T
}

let labelIds = 0

/**
 * Names the groups form-js leaves unnamed in the rendered form under `root`: a checklist's or a
 * radio group's options are grouped under the field's label ("Clauses audited", then "8.2"), and
 * each row of a list is a group named after the list and its number ("Corrective actions 1"), so
 * that the second row's "Due" can be told from the first's. Safe to run again after every render.
 */
export function nameFormGroups(root: HTMLElement): void {
  for (const field of root.querySelectorAll<HTMLElement>(
    '.fjs-form-field-checklist, .fjs-form-field-radio',
  )) {
    const label = field.querySelector<HTMLElement>(':scope > .fjs-form-field-label')
    if (!label) continue
    if (!label.id) label.id = `fjs-group-label-${++labelIds}`
    setIfChanged(field, 'role', 'group')
    setIfChanged(field, 'aria-labelledby', label.id)
  }
  for (const list of root.querySelectorAll<HTMLElement>('.fjs-form-field-dynamiclist')) {
    const name = list.querySelector(':scope > .fjs-form-field-label')?.textContent?.trim()
    if (!name) continue
    const rows = [...list.querySelectorAll<HTMLElement>('.fjs-repeat-row-container')].filter(
      (row) => row.parentElement?.closest('.fjs-form-field-dynamiclist') === list,
    )
    rows.forEach((row, i) => {
      setIfChanged(row, 'role', 'group')
      setIfChanged(row, 'aria-label', `${name} ${i + 1}`)
    })
  }
}

/** Sets an attribute only when it differs, so that a MutationObserver calling back does not loop. */
function setIfChanged(element: HTMLElement, name: string, value: string): void {
  if (element.getAttribute(name) !== value) element.setAttribute(name, value)
}
