/**
 * Every link between requirements and the work that is declared in code, gathered in one list:
 * record kinds and their fields (`cases/kinds.ts`), the CMDB (`cases/requirements.ts`), the SMS registers (`sms/requirements.ts`),
 * procedure control (`processes/requirements.ts`) and report sections
 * (`reports/report-model.ts`). BPMN elements declare theirs in the diagrams (`bpmn-links.ts`).
 */
import { allKinds, kindSpecs, requirementsOfField, requirementsOfKind } from '../cases/kinds'
import { cmdbLinks } from '../cases/requirements'
import { procedureControlLinks } from '../processes/requirements'
import { allSections, requirementsOfSection } from '../reports/report-model'
import { documentLinks, registerLinks } from '../sms/requirements'
import { securityLinks } from '../security/requirements'
import { financeLinks } from '../finance/requirements'
import { registerLink, type EvidenceLink } from './evidence-link'

function recordLinks(): EvidenceLink[] {
  return allKinds.flatMap((kind): EvidenceLink[] => {
    const spec = kindSpecs[kind]
    const fields = Object.entries(requirementsOfField[kind] ?? {}).map(
      ([field, requirements]): EvidenceLink => ({
        type: 'field',
        ref: `${kind}.${field}`,
        label: `${spec.label}: field ${field}`,
        requirements,
      }),
    )
    return [
      {
        type: 'record',
        ref: kind,
        label: `${spec.label} records (${spec.prefix}-…)`,
        requirements: requirementsOfKind[kind],
        count: 'records',
        matcher: { entityType: kind, actions: [`${kind}.created`] },
      },
      ...fields,
    ]
  })
}

function reportLinks(): EvidenceLink[] {
  return [
    {
      type: 'report',
      ref: 'report-definitions',
      label: 'Report definitions (purpose, audience, sections)',
      requirements: ['6.2-1'],
      count: 'records',
      matcher: { entityType: 'report-definition', actions: ['report-definition.created'] },
    },
    ...allSections.map((section): EvidenceLink => ({
      type: 'report',
      ref: `report:${section}`,
      label: `Service report section ${section}`,
      requirements: requirementsOfSection[section],
      count: 'reports',
      matcher: {
        entityType: 'report-snapshot',
        actions: ['report.snapshot-taken'],
        reportSection: section,
      },
    })),
  ]
}

/** Every link declared in code. */
export function declaredLinks(): EvidenceLink[] {
  return [
    ...recordLinks(),
    ...cmdbLinks.map((r) => registerLink(r)),
    ...documentLinks.map((d) => registerLink(d, 'document')),
    ...registerLinks.map((r) => registerLink(r)),
    ...securityLinks.map((r) => registerLink(r, r.documentKind ? 'document' : 'register')),
    ...financeLinks.map((r) => registerLink(r)),
    ...procedureControlLinks.map((r) => registerLink(r, 'document')),
    ...reportLinks(),
  ]
}
