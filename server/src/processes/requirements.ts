/**
 * Which requirements of ISO/IEC 20000-1:2011 (ids of `server/src/compliance/requirements.ts`)
 * the control of procedures carries: a procedure is a controlled document (4.3.2) whose drafts
 * are approved by someone other than their author and whose deployment supersedes the previous
 * version. The requirements of each step are declared in the diagrams themselves (the
 * `requirements` extension property, read from the deployed XML).
 */
import type { RegisterLink } from '../compliance/evidence-link'

/** The name of the BPMN extension property listing an element's requirement ids. */
export const REQUIREMENTS_PROPERTY = 'requirements'

export const procedureControlLinks: readonly RegisterLink[] = [
  {
    ref: 'procedure-control:approved',
    label: 'Procedure drafts approved by someone other than their author',
    entityType: 'process-draft',
    actions: ['process-draft.approved'],
    count: 'documents',
    requirements: ['4.3.2-1', '4.3.2-a', '4.1.4-c', '4.3.1-f'],
  },
  {
    ref: 'procedure-control:deployed',
    label: 'Procedure versions deployed (the previous one superseded)',
    entityType: 'process-version',
    actions: ['process.deployed'],
    count: 'documents',
    requirements: ['4.3.2-d', '4.3.2-e', '4.3.2-h', '4.5.5.2-c', '4.5.3-e'],
  },
]
