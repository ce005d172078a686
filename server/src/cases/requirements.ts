/**
 * Which requirements of ISO/IEC 20000-1:2011 (ids of `server/src/compliance/requirements.ts`)
 * the CMDB and the links between records carry, and which of their evidence entries count for
 * them in the compliance matrix. Record kinds declare theirs in `kinds.ts`.
 */
import type { RegisterLink } from '../compliance/evidence-link'

export const cmdbLinks: readonly RegisterLink[] = [
  {
    ref: 'ci-relations',
    label: 'CI relationships (to CIs and service components)',
    entityType: 'ci',
    actions: ['ci.relation-added', 'ci.relation-removed'],
    count: 'records',
    requirements: ['9.1-b', '9.1-c', '9.1-3'],
  },
  {
    ref: 'ci-updates',
    label: 'CI updates and status changes',
    entityType: 'ci',
    actions: ['ci.updated', 'ci.status-changed'],
    count: 'records',
    requirements: ['9.1-d', '9.1-3'],
  },
  {
    ref: 'baselines',
    label: 'Configuration baselines taken',
    entityType: 'baseline',
    actions: ['baseline.taken'],
    count: 'records',
    requirements: ['9.1-4'],
  },
  {
    ref: 'ci-links',
    label: 'CIs linked to changes, problems and known errors',
    entityType: 'ci',
    actions: ['link.created'],
    count: 'records',
    requirements: ['9.1-g', '9.1-h'],
  },
]
