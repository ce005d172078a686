/**
 * Deleting a DRG (DeleteResource with a decisionRequirementsKey), as Zeebe's
 * ResourceDeletionDeleteProcessor: DECISION DELETED for each decision of the DRG, then
 * DECISION_REQUIREMENTS DELETED (with its resource and checksum; without namespace and deployment
 * key, as Zeebe writes it), each under a new key. A decision key is
 * not a resource (NOT_FOUND, as in Zeebe). The previous version becomes the latest again; the
 * deleted version's number is never given again (state.ts). The CREATED records stay in the
 * log, which is the history.
 */
import type { ResourceDeletionHandler } from '../commands/delete-resource'
import type { Runtime } from '../runtime/runtime'
import { decisionRequirementsValue, decisionValue } from './records'

export const dmnResourceDeletion: ResourceDeletionHandler = {
  owns: (rt, key) => rt.s.decisionRequirements?.[key] !== undefined,
  tenantOf: (rt, key) => rt.s.decisionRequirements?.[key]?.tenantId ?? '<default>',
  delete(rt: Runtime, key: number) {
    const drg = rt.s.decisionRequirements?.[key]
    if (!drg) return
    const { resource, ...stored } = drg
    const decisions = Object.values(rt.s.decisions ?? {})
      .filter((d) => d.decisionRequirementsKey === key)
      .sort((a, b) => a.decisionKey - b.decisionKey)
    for (const d of decisions) {
      rt.emit('DECISION', 'DELETED', rt.newKey(), decisionValue({ ...d, duplicate: false }))
    }
    rt.emit(
      'DECISION_REQUIREMENTS',
      'DELETED',
      rt.newKey(),
      // as Zeebe's DELETED record: no namespace and no deployment key
      {
        ...decisionRequirementsValue({ ...stored, duplicate: false }, resource),
        namespace: '',
        deploymentKey: -1,
      },
    )
    rt.drgs.delete(key)
  },
}
