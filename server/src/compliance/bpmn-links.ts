/**
 * The requirements each BPMN element carries, as its diagram declares them: the `requirements`
 * extension property (`zeebe:properties`, "Extension properties" in the modeler), a space- or
 * comma-separated list of requirement ids. Read from the deployed XML of each procedure, so what
 * the matrix shows is what runs.
 */
import { describeBpmn } from '../processes/bpmn'
import { REQUIREMENTS_PROPERTY } from '../processes/requirements'
import type { EvidenceLink } from './evidence-link'
import { parseRequirementList } from './requirements'

/** The element links of one BPMN file (every process it holds). */
export async function bpmnLinks(xml: string): Promise<EvidenceLink[]> {
  const info = await describeBpmn(xml)
  return info.processes.flatMap((p) =>
    Object.values(p.elements).flatMap((el): EvidenceLink[] => {
      const ids = parseRequirementList(el.properties?.[REQUIREMENTS_PROPERTY])
      if (ids.length === 0) return []
      return [
        {
          type: 'element',
          ref: `${p.id}/${el.id}`,
          label: `${p.name}: ${el.name}`,
          requirements: ids,
          count: 'instances',
          matcher: { element: { bpmnProcessId: p.id, elementId: el.id } },
        },
      ]
    }),
  )
}

/** Requirement ids by element id of one BPMN file (for the replay). */
export async function requirementsByElement(xml: string): Promise<Record<string, string[]>> {
  const links = await bpmnLinks(xml)
  return Object.fromEntries(links.map((l) => [l.matcher!.element!.elementId, [...l.requirements]]))
}
