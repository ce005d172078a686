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
} as const
export type DraftState = (typeof DraftState)[keyof typeof DraftState]

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


/** SHA-256 (hex) of a document: what evidence records of a BPMN, DMN or form. */
export const checksum = (text: string | Buffer) => createHash('sha256').update(text).digest('hex')
