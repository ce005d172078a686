/**
 * The types of procedures under document control (ISO/IEC 20000-1 4.3.2): deployed versions,
 * drafts and their forms, and the diff an approver reads.
 */
import { createHash } from 'node:crypto'
import type { ProcessResource } from '../forms/resources'
import type { BpmnElementInfo, LintProblem } from './bpmn'

export const DraftState = {
  Draft: 'draft',
  InReview: 'in-review',
  Approved: 'approved',
  Rejected: 'rejected',
  Deployed: 'deployed',
  /** Given up by its author; kept with its evidence. */
  Discarded: 'discarded',
} as const
export type DraftState = (typeof DraftState)[keyof typeof DraftState]

/** A draft in one of these states is open: its author has no other open draft of the document. */
export const OPEN_DRAFT_STATES: DraftState[] = [
  DraftState.Draft,
  DraftState.InReview,
  DraftState.Approved,
  DraftState.Rejected,
]

/** A BPMN or form file to deploy. */
export type DeployFile = ProcessResource

export interface DeployedVersion {
  bpmnProcessId: string
  version: number
  processDefinitionKey: string
  resourceName: string
}

export interface ProcessVersionView {
  version: number
  processDefinitionKey: string
  name: string
  state: string
  deployedAt: string
  deployedBy: string
  approvedBy: string | null
  draftId: string | null
  runningInstances: number
  completedInstances: number
  cancelledInstances: number
}

export interface ProcessView {
  bpmnProcessId: string
  name: string
  latestVersion: number
  versions: ProcessVersionView[]
  drafts: DraftView[]
}

export interface DraftView {
  id: string
  bpmnProcessId: string
  /** The author's name for the change (editable while the draft is open). */
  name: string
  xml?: string
  state: DraftState
  author: string
  baseVersion: number | null
  lint: LintProblem[]
  createdAt: string
  updatedAt: string
  submittedAt: string | null
  approvedBy: string | null
  approvedAt: string | null
  rejectedBy: string | null
  rejectedReason: string | null
  /** What the approver wrote when approving. */
  approvalComment: string | null
  discardedBy: string | null
  discardedAt: string | null
  discardReason: string | null
  deployedBy: string | null
  deployedAt: string | null
  processDefinitionKey: string | null
  version: number
  /** Ids of the forms the draft carries its own version of (deployed with it). */
  forms: string[]
  /**
   * `process`: a BPMN process with its forms; `decision`: a `.dmn` whose decision requirements
   * id is in `bpmnProcessId` (see decision-drafts.ts). Both follow the same control.
   */
  kind: DraftKind
}

export const DraftKind = { Process: 'process', Decision: 'decision' } as const
export type DraftKind = (typeof DraftKind)[keyof typeof DraftKind]

/** Where the form a draft starts from comes from. */
export const FormSource = {
  /** The draft's own version, saved by its author. */
  Draft: 'draft',
  /** The version the latest deployment of the process is bound to (or the latest deployed). */
  Deployed: 'deployed',
  /** `forms/<id>.form` of the repository, never deployed yet. */
  Bundled: 'bundled',
} as const
export type FormSource = (typeof FormSource)[keyof typeof FormSource]

/** A form as a draft sees it: its own version, or the version it would start from. */
export interface DraftFormView {
  formId: string
  /** A user task of the draft's BPMN links it (`zeebe:formDefinition formId`). */
  linked: boolean
  /** Where `schema` comes from. */
  source: FormSource
  /** The form-js schema: the draft's version, else the deployed or bundled one. */
  schema: unknown
  /** The draft's version differs from the deployed one (or nothing is deployed yet). */
  changed: boolean
  /** The deployed or bundled version the draft's version replaces; null for a new form. */
  base: { source: FormSource; version: number | null; schema: unknown } | null
  updatedBy: string | null
  updatedAt: string | null
}

/** A form the deployment of a draft adds or changes, for the approver (4.3.2). */
export interface FormChange {
  formId: string
  /** `draft`: the draft's version; `bundled`: `forms/<id>.form`, not deployed yet. */
  source: FormSource
  /** The deployed version it replaces; null for a new form. */
  beforeVersion: number | null
  /** Components by id (label, else key, else id). */
  components: {
    added: FormComponentInfo[]
    removed: FormComponentInfo[]
    changed: FormComponentInfo[]
  }
}

export interface FormComponentInfo {
  id: string
  type: string
  label: string
  key?: string
}

export interface ElementDiff {
  added: BpmnElementInfo[]
  removed: BpmnElementInfo[]
  changed: { id: string; before: BpmnElementInfo; after: BpmnElementInfo }[]
}

/** How an element (or decision) differs from the common base version. */
export type ElementChange = 'added' | 'removed' | 'changed' | 'same'

/** One element of a three-way comparison: base, theirs (deployed since) and mine (the draft). */
export interface ThreeWayElement {
  id: string
  name: string
  type: string
  theirs: ElementChange
  mine: ElementChange
  /** Both changed it, and not in the same way: the author decides what the rebased draft keeps. */
  conflict: boolean
}

/**
 * What a rebase shows (4.3.2: never silently overwrite another approved change): the version the
 * draft was based on, the version deployed since, and the draft, element by element.
 */
export interface ThreeWayView {
  kind: DraftKind
  draftId: string
  base: { version: number | null; xml: string | null }
  theirs: {
    version: number
    xml: string
    deployedBy: string
    approvedBy: string | null
    draftId: string | null
  } | null
  mine: { version: number; xml: string }
  /** The draft is based on an older version than the deployed one: it must be rebased. */
  behind: boolean
  elements: ThreeWayElement[]
}

/** SHA-256 (hex) of a document: what evidence records of a BPMN, DMN or form. */
export const checksum = (text: string | Buffer) => createHash('sha256').update(text).digest('hex')
