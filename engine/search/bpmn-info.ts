/**
 * What the search side needs from a deployed BPMN document, read with a light scan of its tags
 * (the engine validated the document when it was deployed): the process's name, element names
 * (Camunda's `elementName`, the id when there is none) and the start form of the process.
 */

export interface BpmnInfo {
  /** `name` of the `<process>` element, when it has one. */
  processName?: string
  /** Element id → name, for elements that have a name. */
  names: Map<string, string>
  /** The process's start form: a linked form (`formId`) or a custom form key. */
  startForm?: { formId?: string; formKey?: string }
}

const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
}

function decode(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (whole, ent: string) => {
    if (ent.startsWith('#x') || ent.startsWith('#X'))
      return String.fromCodePoint(parseInt(ent.slice(2), 16))
    if (ent.startsWith('#')) return String.fromCodePoint(parseInt(ent.slice(1), 10))
    return ENTITIES[ent] ?? whole
  })
}

function attr(attrs: string, name: string): string | undefined {
  const m = new RegExp(`(?:^|\\s)${name}\\s*=\\s*("([^"]*)"|'([^']*)')`).exec(attrs)
  if (!m) return undefined
  return decode(m[2] ?? m[3] ?? '')
}

/** Scans `xml` for the process `bpmnProcessId`. */
export function bpmnInfo(xml: string, bpmnProcessId: string): BpmnInfo {
  const names = new Map<string, string>()
  const info: BpmnInfo = { names }
  const tag = /<(\/?)([\w-]+:)?([\w-]+)((?:\s+[^>]*?)?)(\/?)>/g
  // the process element's own start event(s): nesting depth of containers inside the process
  let inProcess = false
  let depth = 0
  let startEvent:
    { depth: number; hasEventDefinition: boolean; form?: BpmnInfo['startForm'] } | undefined
  for (let m = tag.exec(xml); m; m = tag.exec(xml)) {
    const [, closing, , local = '', attrs = '', selfClosing] = m
    if (closing) {
      if (local === 'process') inProcess = false
      else if (inProcess && (local === 'subProcess' || local === 'adHocSubProcess')) depth--
      else if (local === 'startEvent' && startEvent) {
        if (!startEvent.hasEventDefinition && startEvent.form && !info.startForm)
          info.startForm = startEvent.form
        startEvent = undefined
      }
      continue
    }
    const id = attr(attrs, 'id')
    const name = attr(attrs, 'name')
    if (local === 'process') {
      inProcess = id === bpmnProcessId
      depth = 0
      if (inProcess && name) info.processName = name
      continue
    }
    if (!inProcess) continue
    if (id && name !== undefined && name !== '') names.set(id, name)
    if ((local === 'subProcess' || local === 'adHocSubProcess') && !selfClosing) depth++
    else if (local === 'startEvent' && depth === 0 && !selfClosing)
      startEvent = { depth, hasEventDefinition: false }
    else if (startEvent && local.endsWith('EventDefinition')) startEvent.hasEventDefinition = true
    else if (startEvent && local === 'formDefinition') {
      const formId = attr(attrs, 'formId')
      const formKey = attr(attrs, 'formKey')
      startEvent.form = { ...(formId ? { formId } : {}), ...(formKey ? { formKey } : {}) }
    }
  }
  return info
}
