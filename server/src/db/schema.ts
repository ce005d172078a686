/**
 * Table types for Kysely. Each migration in `migrations/` that adds a table adds its type here.
 */
import type { ColumnType, Generated } from 'kysely'

type CreatedAt = ColumnType<Date, Date | string | undefined, never>

/** A person who logs in. `roles` is a subset of {@link Role}. */
export interface UsersTable {
  id: Generated<number>
  username: string
  display_name: string
  email: string | null
  password_hash: string
  roles: string[]
  active: Generated<boolean>
  created_at: CreatedAt
  /** 7.1: the customer organisation a customer user is a contact of (migration 1050). */
  organisation_id?: string | null
}

/** A team whose members share tasks (BPMN candidate groups). */
export interface GroupsTable {
  id: string
  name: string
  description: string | null
}

export interface UserGroupsTable {
  user_id: number
  group_id: string
  /** Group leads may assign the group's tasks to members. */
  is_lead: Generated<boolean>
}

export interface SessionsTable {
  /** SHA-256 of the cookie value; the raw token never reaches the database. */
  id: string
  user_id: number
  csrf_token: string
  created_at: CreatedAt
  expires_at: Date
}

/** A deployed version of a procedure (4.3.2): the exact BPMN it runs on. */
export interface ProcessVersionsTable {
  process_definition_key: string
  bpmn_process_id: string
  version: number
  name: string
  resource_name: string
  xml: string
  checksum: string
  /** `deployed` for the latest version, `superseded` for older ones. */
  state: string
  deployment_key: string
  deployed_at: CreatedAt
  deployed_by: string
  approved_by: string | null
  draft_id: string | null
}

/** A form-js form as deployed with a process version (forms are bound to their version). */
export interface DeployedFormsTable {
  form_key: string
  form_id: string
  version: number
  schema: unknown
  deployment_key: string
  deployed_at: CreatedAt
}

export interface ProcessVersionFormsTable {
  process_definition_key: string
  form_id: string
  form_key: string
}

/** A BPMN draft under document control: draft → in-review → approved → deployed (or rejected). */
export interface ProcessDraftsTable {
  id: string
  bpmn_process_id: string
  xml: string
  state: string
  author: string
  base_version: number | null
  lint: unknown
  created_at: CreatedAt
  updated_at: Date | string
  submitted_at: Date | null
  approved_by: string | null
  approved_at: Date | null
  rejected_by: string | null
  rejected_reason: string | null
  deployed_by: string | null
  deployed_at: Date | null
  process_definition_key: string | null
  version: Generated<number>
  /** `process` (BPMN + forms) or `decision` (a `.dmn`; `bpmn_process_id` is then its DRG id). */
  kind: Generated<string>
  /** Migration 1130: the author's name for the change; one open draft per author. */
  name: Generated<string>
  discarded_by: string | null
  discarded_at: Date | null
  discard_reason: string | null
  approval_comment: string | null
}

/** A deployed version of a `.dmn` (decision requirements graph) with its exact XML (4.3.2). */
export interface DecisionRequirementsVersionsTable {
  decision_requirements_key: string
  decision_requirements_id: string
  version: number
  name: string
  resource_name: string
  xml: string
  checksum: string
  /** `deployed` for the latest version, `superseded` for older ones. */
  state: string
  deployment_key: string
  deployed_at: CreatedAt
  deployed_by: string
  approved_by: string | null
  draft_id: string | null
}

/** A decision of a deployed DRG version. */
export interface DeployedDecisionsTable {
  decision_key: string
  decision_id: string
  name: string
  version: number
  decision_requirements_key: string
  decision_requirements_id: string
  deployment_key: string
}

/** The decision version a process version evaluates (`bindingType="deployment"`). */
export interface ProcessVersionDecisionsTable {
  process_definition_key: string
  decision_id: string
  decision_key: string
}

/** A form-js form a procedure draft changes; deployed with the draft's BPMN (4.3.2). */
export interface DraftFormsTable {
  draft_id: string
  form_id: string
  schema: unknown
  updated_by: string
  updated_at: Date | string
}

/** A process instance the server started or saw, with the case it handles. */
export interface ProcessInstancesTable {
  process_instance_key: string
  process_definition_key: string
  bpmn_process_id: string
  version: number
  case_kind: string | null
  case_id: string | null
  state: Generated<string>
  started_by: string | null
  started_at: CreatedAt
  ended_at: Date | null
}

/** A user task as the inbox holds it: a job-worker user task or a Camunda user task. */
export interface TasksTable {
  id: string
  /** The job of a job-worker user task (`kind` = 'job'); null for a Camunda user task. */
  job_key: string | null
  /** `job` or `camunda` (see `inbox/task-model.ts` TaskKind). */
  kind: Generated<string>
  /** The key of a Camunda user task (`kind` = 'camunda'), as the v2 API names it. */
  user_task_key: string | null
  name: string
  element_id: string
  element_instance_key: string
  process_instance_key: string
  process_definition_key: string
  bpmn_process_id: string
  process_name: string
  process_version: number
  state: string
  assignee: string | null
  candidate_groups: string[]
  candidate_users: string[]
  priority: number
  due_date: Date | null
  follow_up_date: Date | null
  form_id: string | null
  form_key: string | null
  case_kind: string | null
  case_id: string | null
  case_title: string | null
  search: string
  variables: unknown
  custom_headers: unknown
  job_deadline: Date | null
  created_at: CreatedAt
  claimed_at: Date | null
  completed_at: Date | null
  completed_by: string | null
  cancel_reason: string | null
  /** When the built-in overdue escalation fired for this task. */
  escalated_at: Date | null
  submitted_data: unknown
  version: Generated<number>
  /** `sod:notRequester` of the task's element: not for the case's requester or recorder. */
  sod_not_requester: Generated<boolean>
  /** `sod:notCompleterOf` of the task's element: not for who completed these elements. */
  sod_not_completer_of: Generated<string[]>
}

export interface TaskCommentsTable {
  id: Generated<number>
  task_id: string
  author: string
  body: string
  created_at: CreatedAt
}

export interface RecordCursorsTable {
  name: string
  position: string | number
}

/** Engine steps already written as case evidence (`<action>:<key>`, see 0970-v2-history). */
export interface EngineEvidenceSeenTable {
  key: string
}

export interface SavedFiltersTable {
  id: Generated<number>
  user_id: number
  name: string
  query: unknown
  created_at: CreatedAt
}

// --- case data (migration 0002-cases) and evidence (0003-evidence); owned by server/src/cases

type UpdatedAt = ColumnType<Date, Date | string | undefined, Date | string>
type Json = ColumnType<unknown, string, string>

/** Last issued number per reference prefix (INC, PRB, …). */
export interface RefCountersTable {
  prefix: string
  last_value: ColumnType<string, number | string, number | string>
}

/** 6.1 a service of the catalogue. */
export interface ServicesTable {
  id: string
  name: string
  description: Generated<string>
  status: Generated<string>
  owner_group: string | null
  created_by: string
  created_at: CreatedAt
  updated_at: UpdatedAt
  version: Generated<number>
  data: Json
}

export interface ServiceDependenciesTable {
  service_id: string
  depends_on_id: string
  dependency_type: Generated<string>
}

/** A requestable item of a service; `requires_approval` drives the service-request procedure. */
export interface CatalogueItemsTable {
  id: string
  service_id: string
  name: string
  description: Generated<string>
  requires_approval: Generated<boolean>
  fulfilment_group: string | null
}

/** 6.1 an SLA; targets per priority, workload and exceptions in `data`. */
export interface SlasTable {
  id: string
  service_id: string
  name: string
  status: Generated<string>
  created_by: string
  created_at: CreatedAt
  updated_at: UpdatedAt
  version: Generated<number>
  data: Json
}

/** 9.1 a configuration item. `ci_version` is the CI's own version; `version` the row's. */
export interface CisTable {
  id: string
  name: string
  ci_type: string
  description: Generated<string>
  status: Generated<string>
  ci_version: Generated<string>
  location: Generated<string>
  owner_group: string | null
  created_by: string
  created_at: CreatedAt
  updated_at: UpdatedAt
  version: Generated<number>
  data: Json
}

export interface CiRelationsTable {
  id: Generated<number>
  ci_id: string
  target_kind: string
  target_id: string
  relation_type: string
  created_by: string
  created_at: CreatedAt
}

/** 9.1 every change of a CI, append-only. */
export interface CiHistoryTable {
  id: Generated<number>
  ci_id: string
  at: CreatedAt
  actor: string
  action: string
  before: Json | null
  after: Json | null
}

export interface BaselinesTable {
  id: string
  name: string
  description: Generated<string>
  release_id: string | null
  created_by: string
  created_at: CreatedAt
}

export interface BaselineItemsTable {
  baseline_id: string
  ci_id: string
  snapshot: Json
}

/** 7.2 a supplier with its relationship owner and review interval. */
export interface SuppliersTable {
  id: string
  name: string
  status: Generated<string>
  relationship_owner: string
  review_interval_days: Generated<number>
  next_review_at: Date | string | null
  created_by: string
  created_at: CreatedAt
  updated_at: UpdatedAt
  version: Generated<number>
  data: Json
}

/** 7.2 a contract; scope, requirements, targets, responsibilities… in `data`. */
export interface ContractsTable {
  id: string
  supplier_id: string
  title: string
  status: Generated<string>
  starts_on: string | null
  ends_on: string | null
  created_by: string
  created_at: CreatedAt
  updated_at: UpdatedAt
  version: Generated<number>
  data: Json
  /** Migration 1140: the contract document version whose targets the record shows (7.2). */
  document_id: string | null
  document_version: number | null
}

/** An operational case of any kind (incident, problem, change, …). */
export interface CasesTable {
  id: string
  kind: string
  status: string
  priority: number | null
  title: string
  service_id: string | null
  ci_id: string | null
  supplier_id: string | null
  assigned_group: string | null
  assignee: string | null
  requester: string | null
  created_by: string
  created_at: CreatedAt
  updated_at: UpdatedAt
  closed_at: Date | string | null
  version: Generated<number>
  data: Json
}

export interface CaseLinksTable {
  id: Generated<number>
  from_kind: string
  from_id: string
  to_kind: string
  to_id: string
  link_type: string
  created_by: string
  created_at: CreatedAt
}

export interface CaseProcessesTable {
  process_instance_key: string
  case_kind: string
  case_id: string
  bpmn_process_id: string
  process_definition_key: string
  process_version: number
  started_by: string
  started_at: CreatedAt
}

/** A standard change model of the register (9.2), pre-approved by a change (0940). */
export interface StandardChangeModelsTable {
  id: string
  name: string
  description: Generated<string>
  risk: string
  tasks: unknown
  ci_ids: unknown
  service_ids: unknown
  /** active | retired */
  status: string
  version: number
  approved_by_change: string
  created_at: CreatedAt
  updated_at: Generated<Date>
}

/** An edit of a record under change control that a change applies when implemented (0940). */
export interface ChangeRecordEditsTable {
  id: Generated<number>
  change_id: string
  target_kind: string
  /** null: a new record (a new standard change model). */
  target_id: string | null
  patch: unknown
  created_by: string
  created_at: CreatedAt
  applied_at: Date | null
  applied_target_id: string | null
  process_instance_key: string | null
}

/** A status change of a case: who, when, at which element of its procedure (8.1 d, 8.2 e). */
export interface CaseStatusHistoryTable {
  id: Generated<number>
  case_kind: string
  case_id: string
  from_status: string | null
  to_status: string
  actor: string
  element_id: string | null
  process_instance_key: string | null
  changed_at: CreatedAt
}

export interface CaseCommentsTable {
  id: Generated<number>
  case_kind: string
  case_id: string
  author: string
  body: string
  created_at: CreatedAt
  /** `staff` = work note, `customer` = reply the customer sees (migration 0900). */
  visibility: string
  /** The task the entry was written from, if any. */
  task_id: string | null
}

export interface CaseAttachmentsTable {
  id: Generated<number>
  case_kind: string
  case_id: string
  name: string
  content_type: string
  size: number
  sha256: string
  content: Uint8Array
  uploaded_by: string
  created_at: CreatedAt
}

/** 4.3.3 the hash-chained evidence trail (append-only: a trigger rejects UPDATE/DELETE). */
export interface EvidenceTable {
  seq: ColumnType<string, number, never>
  at: ColumnType<Date, string, never>
  actor: string
  action: string
  entity_type: string
  entity_id: string
  before: Json | null
  after: Json | null
  process_instance_key: string | null
  prev_hash: string
  hash: string
}

export interface EvidenceHeadTable {
  id: number
  seq: ColumnType<string, number, number>
  hash: string
}

/** A job a worker finished, with the outcome it reported (idempotent re-delivery). */
export interface WorkerJobsTable {
  job_key: string
  job_type: string
  process_instance_key: string
  element_id: string
  /** `complete` or `error`. */
  outcome: string
  result: Json
  created_at: CreatedAt
}

/** 8.1 b) a version of the impact × urgency → priority matrix; the highest version applies. */
export interface PriorityMatricesTable {
  version: number
  description: string
  /** `{ [impact]: { [urgency]: priority } }`, impact and urgency 1 (high) … 3 (low). */
  cells: Json
  created_by: string
  created_at: CreatedAt
}

/** 6.2 a) a breached response or resolution target of a case. */
export interface SlaBreachesTable {
  id: Generated<number>
  case_kind: string
  case_id: string
  /** `response` or `resolution`. */
  target: string
  due_at: Date | string | null
  breached_at: Date | string
  priority: number | null
  service_id: string | null
  supplier_id: string | null
  process_instance_key: string | null
}

/** 8.1 a notification in the outbox: shown in-app, mailed when SMTP is configured. */
export interface NotificationsTable {
  id: Generated<number>
  dedupe_key: string
  recipient: string | null
  recipient_group: string | null
  template: string
  subject: string
  body: string
  case_kind: string | null
  case_id: string | null
  created_at: CreatedAt
  read_at: Date | string | null
  /** `not-sent`, `sent`, `failed` or `disabled`. */
  email_status: Generated<string>
  email_attempts: Generated<number>
  email_error: string | null
}

/** 7.2 a recorded supplier review. */
export interface SupplierReviewsTable {
  id: Generated<number>
  supplier_id: string
  process_instance_key: string
  outcome: Json
  reviewed_at: Date | string
  next_review_at: Date | string | null
}

export interface DB {
  users: UsersTable
  groups: GroupsTable
  user_groups: UserGroupsTable
  sessions: SessionsTable
  process_versions: ProcessVersionsTable
  deployed_forms: DeployedFormsTable
  process_version_forms: ProcessVersionFormsTable
  process_drafts: ProcessDraftsTable
  draft_forms: DraftFormsTable
  decision_requirements_versions: DecisionRequirementsVersionsTable
  deployed_decisions: DeployedDecisionsTable
  process_version_decisions: ProcessVersionDecisionsTable
  process_instances: ProcessInstancesTable
  tasks: TasksTable
  task_comments: TaskCommentsTable
  saved_filters: SavedFiltersTable
  record_cursors: RecordCursorsTable
  engine_evidence_seen: EngineEvidenceSeenTable
  ref_counters: RefCountersTable
  services: ServicesTable
  service_dependencies: ServiceDependenciesTable
  catalogue_items: CatalogueItemsTable
  slas: SlasTable
  cis: CisTable
  ci_relations: CiRelationsTable
  ci_history: CiHistoryTable
  baselines: BaselinesTable
  baseline_items: BaselineItemsTable
  suppliers: SuppliersTable
  contracts: ContractsTable
  cases: CasesTable
  case_links: CaseLinksTable
  case_processes: CaseProcessesTable
  case_status_history: CaseStatusHistoryTable
  standard_change_models: StandardChangeModelsTable
  change_record_edits: ChangeRecordEditsTable
  case_comments: CaseCommentsTable
  case_attachments: CaseAttachmentsTable
  evidence: EvidenceTable
  evidence_head: EvidenceHeadTable
  worker_jobs: WorkerJobsTable
  priority_matrices: PriorityMatricesTable
  sla_breaches: SlaBreachesTable
  notifications: NotificationsTable
  supplier_reviews: SupplierReviewsTable
  outbox: OutboxTable
  report_definitions: ReportDefinitionsTable
  report_snapshots: ReportSnapshotsTable
  sms_documents: SmsDocumentsTable
  sms_document_versions: SmsDocumentVersionsTable
  sms_document_acks: SmsDocumentAcksTable
  sms_risks: SmsRisksTable
  sms_risk_reviews: SmsRiskReviewsTable
  sms_party_processes: SmsPartyProcessesTable
  sms_competences: SmsCompetencesTable
  sms_role_competences: SmsRoleCompetencesTable
  sms_person_competences: SmsPersonCompetencesTable
  sms_raci: SmsRaciTable
  sms_auditor_areas: SmsAuditorAreasTable
  sms_review_actions: SmsReviewActionsTable
  customer_organisations: CustomerOrganisationsTable
  satisfaction_surveys: SatisfactionSurveysTable
  relationship_settings: RelationshipSettingsTable
  service_review_actions: ServiceReviewActionsTable
}

/** 4.5.4.2: an area (clause or procedure) a person works in, so they do not audit it. */
export interface SmsAuditorAreasTable {
  username: string
  area: string
  declared_by: string
  declared_at: CreatedAt
}

/** 4.5.4.3: an action a management review decided, tracked to closure (see 1020-sms-audit-review). */
export interface SmsReviewActionsTable {
  id: string
  review_id: string
  title: string
  kind: Generated<string>
  owner: string
  due_at: Date | string
  status: Generated<string>
  outcome: string | null
  closed_by: string | null
  closed_at: Date | string | null
  carried_from: string | null
  created_at: CreatedAt
}

/** 6.2 a report definition: what, which period, for whom, how often (see 0950-reports). */
export interface ReportDefinitionsTable {
  id: string
  name: string
  audience: string
  sections: Json
  period: Json
  granularity: Generated<string>
  /** `none` or `monthly`. */
  schedule: Generated<string>
  next_run_at: Date | string | null
  created_by: string
  created_at: CreatedAt
}

/** 6.2 a stored run of a report: canonical JSON text and its SHA-256 (also in the evidence). */
export interface ReportSnapshotsTable {
  id: string
  definition_id: string
  period_from: Date | string
  period_to: Date | string
  ran_by: string
  ran_at: Date | string
  content: string
  sha256: string
  evidence_seq: string | number
}

/** The durable intent of an action that spans the database and the engine (see 0510-outbox). */
export interface OutboxTable {
  id: string
  kind: string
  subject: string
  payload: unknown
  state: Generated<string>
  attempts: Generated<number>
  /** When the latest engine call was sent (epoch ms; a record-log position before 0970). */
  after_position: string | number | null
  last_error: string | null
  result: unknown
  next_attempt_at: Generated<Date>
  created_at: CreatedAt
  done_at: Date | null
}

type Ts = Date | string

/** 4.3.1 a controlled SMS document (see 1010-sms-documents-risks). */
export interface SmsDocumentsTable {
  id: string
  kind: string
  title: string
  owner: string
  clauses: Generated<string[]>
  external_source: string | null
  review_interval_days: Generated<number>
  next_review_at: Ts | null
  review_reminded_at: Ts | null
  distribution: Json
  effective_version: number | null
  created_by: string
  created_at: CreatedAt
  /** What the document controls and the product uses, e.g. `sla:SLA-000001` (see 1040). */
  subject: string | null
  /** Days before `next_review_at` the owner is reminded (4.3.2 c). */
  review_notice_days: Generated<number>
}

/** 4.3.2 d one version of a document; content fixed once submitted. */
export interface SmsDocumentVersionsTable {
  document_id: string
  version: number
  status: string
  content: Generated<string>
  data: Json | null
  file_name: string | null
  file_media_type: string | null
  file_base64: string | null
  sha256: string
  change_summary: Generated<string>
  author: string
  created_at: CreatedAt
  submitted_at: Ts | null
  approved_by: string | null
  approved_at: Ts | null
  approval_note: string | null
  effective_at: Ts | null
  withdrawn_at: Ts | null
  /** When an approved version takes effect; the product uses it from then on (see 1040). */
  effective_from: Ts | null
}

/** 4.3.2 b a version distributed to a person, and their acknowledgement. */
export interface SmsDocumentAcksTable {
  document_id: string
  version: number
  username: string
  notified_at: Ts
  acknowledged_at: Ts | null
}

/** 4.5.2 j, 6.6.1 a risk of the services or the SMS. */
export interface SmsRisksTable {
  id: string
  title: string
  description: Generated<string>
  category: string
  likelihood: number
  impact: number
  owner: string
  treatment_option: string
  treatment: Generated<string>
  status: string
  review_interval_days: Generated<number>
  next_review_at: Ts
  review_instance_key: string | null
  links: Json
  version: Generated<number>
  created_by: string
  created_at: CreatedAt
  updated_at: Generated<Ts>
}

/** 4.5.3 d one periodic review of a risk. */
export interface SmsRiskReviewsTable {
  id: Generated<number>
  risk_id: string
  reviewed_by: string
  reviewed_at: Ts
  likelihood: number
  impact: number
  status: string
  notes: Generated<string>
  process_instance_key: string | null
}

/** 4.2 a process or part of one operated by another party. */
export interface SmsPartyProcessesTable {
  id: string
  process: string
  part: string
  party_type: string
  party: string
  owner: string
  agreement_document_id: string | null
  governance: Generated<string>
  targets: Json
  measurements: Json
  created_by: string
  created_at: CreatedAt
}

/** 4.4.2 a competence. */
export interface SmsCompetencesTable {
  id: string
  name: string
  description: Generated<string>
}

/** 4.4.2 a competence a role requires (role: a group id, or `lead:<group>`). */
export interface SmsRoleCompetencesTable {
  role: string
  competence_id: string
}

/** 4.4.2 a person's training or qualification (planned or completed). */
export interface SmsPersonCompetencesTable {
  id: Generated<number>
  username: string
  competence_id: string
  kind: string
  title: string
  status: string
  planned_for: Ts | null
  achieved_at: Ts | null
  expires_at: Ts | null
  evidence: Generated<string>
  recorded_by: string
  recorded_at: CreatedAt
}

/** 4.1.3 a RACI of a process or an SMS document. */
export interface SmsRaciTable {
  subject_type: string
  subject_id: string
  rows: Json
  updated_by: string
  updated_at: Generated<Ts>
}

/** 7.1: a customer organisation with its relationship manager (see 1050-customer-relationship). */
export interface CustomerOrganisationsTable {
  id: string
  name: string
  relationship_manager: string
  services: Generated<string[]>
  review_interval_days: Generated<number>
  next_review_at: Date | string | null
  notes: string | null
  active: Generated<boolean>
  created_by: string
  created_at: CreatedAt
}

/** 7.1: a customer satisfaction survey, sent after a case closed or periodically. */
export interface SatisfactionSurveysTable {
  id: string
  username: string
  organisation_id: string | null
  trigger: string
  case_kind: string | null
  case_id: string | null
  service_id: string | null
  sent_at: Date | string
  answered_at: Date | string | null
  score: number | null
  comment: string | null
}

/** 7.1: the relationship settings (one row, id 1). */
export interface RelationshipSettingsTable {
  id: number
  survey_kinds: Generated<string[]>
  periodic_survey_days: Generated<number>
  complaint_resolution_days: Generated<number>
  complaint_definition_document_id: string | null
  surveys_swept_at: Date | string | null
  updated_by: Generated<string>
  updated_at: Generated<Date | string>
}

/** 6.1: an action a service review with the customer agreed, tracked to closure. */
export interface ServiceReviewActionsTable {
  id: string
  review_id: string
  title: string
  owner: string
  due_at: Date | string
  status: Generated<string>
  outcome: string | null
  closed_by: string | null
  closed_at: Date | string | null
  created_at: CreatedAt
}

// --- continuity and availability (6.3), capacity (6.5): migration 1060; owned by server/src/delivery

/** The tables of migration 1060 (declaration merging keeps them apart from the list above). */
export interface DB {
  continuity_requirements: ContinuityRequirementsTable
  continuity_plans: ContinuityPlansTable
  continuity_tests: ContinuityTestsTable
  continuity_invocations: ContinuityInvocationsTable
  service_outages: ServiceOutagesTable
  capacity_requirements: CapacityRequirementsTable
  capacity_measurements: CapacityMeasurementsTable
  capacity_reviews: CapacityReviewsTable
}

/** 6.3.1 continuity and availability requirements of a service, from its risks. */
export interface ContinuityRequirementsTable {
  service_id: string
  /** Percent, e.g. 99.5 (numeric: text from node-postgres). */
  availability_target: number | string
  rto_minutes: number
  rpo_minutes: number
  risk_ids: string[]
  notes: Generated<string>
  version: Generated<number>
  updated_by: string
  updated_at: Ts
}

/** 6.3.2 the test schedule of a continuity and availability plan (an SMS document). */
export interface ContinuityPlansTable {
  document_id: string
  services: string[]
  owner_group: string
  test_interval_days: number
  next_test_at: Ts
  updated_by: string
  updated_at: Ts
}

/** 6.3.3 one test of a continuity plan. */
export interface ContinuityTestsTable {
  id: string
  plan_id: string
  reason: string
  change_id: string | null
  status: string
  process_instance_key: string | null
  plan: Json | null
  run: Json | null
  result: string | null
  results: Json | null
  actions: Json | null
  requested_by: string
  created_at: Ts
  completed_at: Ts | null
}

/** 6.3.2 a plan invoked during a major incident. */
export interface ContinuityInvocationsTable {
  id: Generated<number>
  plan_id: string
  incident_id: string
  notes: Generated<string>
  invoked_by: string
  invoked_at: Ts
  returned_to_normal_at: Ts | null
}

/** 6.3.3 a recorded outage of a service. */
export interface ServiceOutagesTable {
  id: string
  service_id: string
  started_at: Ts
  ended_at: Ts | null
  planned: boolean
  incident_id: string | null
  description: Generated<string>
  recorded_by: string
  recorded_at: Ts
}

/** 6.5 a capacity requirement of a service or a CI. */
export interface CapacityRequirementsTable {
  id: string
  service_id: string | null
  ci_id: string | null
  metric: string
  unit: string
  capacity: number
  current_demand: number
  forecast_demand: number
  forecast_date: Ts
  performance_target: Generated<string>
  warning_percent: number
  critical_percent: number
  breach_action: string
  owner_group: string
  version: Generated<number>
  created_by: string
  created_at: Ts
  updated_at: Ts
}

/** 6.5 one measured utilisation. */
export interface CapacityMeasurementsTable {
  id: Generated<number>
  requirement_id: string
  measured_at: Ts
  value: number
  utilisation_percent: number
  level: string
  source: string
  raised_case_id: string | null
  recorded_by: string
  recorded_at: Ts
}

/** 6.5 one periodic capacity review. */
export interface CapacityReviewsTable {
  id: string
  process_instance_key: string | null
  status: string
  period_start: Ts
  period_end: Ts
  summary: Json
  decision: Json | null
  reviewed_by: string | null
  created_at: Ts
  completed_at: Ts | null
}

// --- information security risk assessment (6.6.1): migration 1190; owned by server/src/security

export interface DB {
  security_risk_assessments: SecurityRiskAssessmentsTable
}

/** 6.6.1 one information security risk assessment of the planned interval. */
export interface SecurityRiskAssessmentsTable {
  id: string
  process_instance_key: string | null
  /** `open` or `completed`. */
  status: string
  period_start: Ts
  period_end: Ts
  /** The security risks of the register when it opened. */
  risks: Json
  assessment: Json | null
  treatment: Json | null
  assessed_by: string | null
  created_at: Generated<Ts>
  completed_at: Ts | null
}

// --- information security (6.6): migration 1110; owned by server/src/security

/** The tables of migration 1110 (declaration merging keeps them apart from the list above). */
export interface DB {
  security_controls: SecurityControlsTable
  security_control_reviews: SecurityControlReviewsTable
  security_party_access: SecurityPartyAccessTable
  security_incidents: SecurityIncidentsTable
}

/** 6.6.2 one information security control of the register. */
export interface SecurityControlsTable {
  id: string
  reference: string
  name: string
  theme: string
  objective: Generated<string>
  owner: string
  status: string
  implementation: Generated<string>
  risk_ids: string[]
  review_interval_days: number
  next_review_at: Ts
  last_reviewed_at: Ts | null
  last_reviewed_by: string | null
  version: Generated<number>
  created_by: string
  created_at: Ts
  updated_at: Ts
}

/** 6.6.2 one review of a control. */
export interface SecurityControlReviewsTable {
  id: Generated<number>
  control_id: string
  status: string
  effective: boolean
  notes: Generated<string>
  reviewed_by: string
  reviewed_at: Ts
}

/** 6.6.2 an external party's access to information with the controls agreed. */
export interface SecurityPartyAccessTable {
  id: string
  party_type: string
  supplier_id: string | null
  party_name: string
  information: string
  access: string
  control_ids: string[]
  agreed_controls: string
  agreed_by: string
  agreed_at: Ts
  valid_until: Ts | null
  status: string
  version: Generated<number>
  updated_at: Ts
}

/** 6.6.3 the handling of an information security incident. */
export interface SecurityIncidentsTable {
  incident_id: string
  process_instance_key: string | null
  status: string
  notified_groups: string[]
  category: string | null
  handling: Json | null
  reported_to_authorities: boolean | null
  authority: string | null
  authority_reference: string | null
  reported_at: Ts | null
  handled_by: string | null
  opened_at: Ts
  handled_at: Ts | null
}

// --- major incidents (8.1): migration 1080; owned by server/src/cases/major-incident.ts

/** The table of migration 1080. */
export interface DB {
  major_incident_steps: MajorIncidentStepsTable
  sla_clock_pauses: SlaClockPausesTable
}

/** 8.1, 6.1: a stay of a case in a waiting status, its SLA clock paused (migration 1160). */
export interface SlaClockPausesTable {
  id: Generated<number>
  case_kind: string
  case_id: string
  /** `waiting-for-customer`, `waiting-for-supplier` or `on-hold`. */
  status: string
  /** The status the case returns to when resumed. */
  previous_status: string
  paused_at: Date | string
  paused_by: string
  pause_reason: string
  response_due_before: Date | string | null
  resolution_due_before: Date | string | null
  resumed_at: Date | string | null
  resumed_by: string | null
  resume_reason: string | null
  response_due_after: Date | string | null
  resolution_due_after: Date | string | null
  process_instance_key: string
}

/** 8.1 the one step of an incident's procedure that runs its major-incident steps. */
export interface MajorIncidentStepsTable {
  case_id: string
  /** `Task_PrioritiseIncident` (the procedure's rule) or `Task_RecordMajorEscalation` (staff). */
  element_id: string
  /** The job that claimed them (a retry of it finds its own claim). */
  job_key: string
  process_instance_key: string
  claimed_at: Date | string
}

// --- budgeting and accounting for services (6.4): migration 1100; owned by server/src/finance

/** Money as node-postgres and PGlite return `numeric`: text (never a float). */
type Money = ColumnType<string, string, string>

/** The tables of migration 1100. */
export interface DB {
  budgets: BudgetsTable
  budget_lines: BudgetLinesTable
  apportionment_rules: ApportionmentRulesTable
  apportionment_shares: ApportionmentSharesTable
  cost_entries: CostEntriesTable
  budget_variance_actions: BudgetVarianceActionsTable
}

/** 6.4 a budget of a service for a year or a quarter, in one currency. */
export interface BudgetsTable {
  id: string
  service_id: string
  fiscal_year: number
  /** 1–4, or null for the whole year. */
  quarter: number | null
  currency: string
  variance_threshold_percent: Money
  /** `improvement` or `change`. */
  breach_action: string
  notes: Generated<string>
  /** `draft`, `submitted` (in its approval procedure), `approved` (in force), `rejected`, `superseded`. */
  status: string
  created_by: string
  created_at: Ts
  updated_at: Ts
  approved_by: string | null
  approved_at: Ts | null
  version: Generated<number>
  /** Migration 1191: the approved budget this one revises (superseded when this is approved). */
  revises: Generated<string | null>
  process_instance_key: Generated<string | null>
  submitted_at: Generated<Ts | null>
  proposal: ColumnType<unknown, string | null | undefined, string | null>
  review: ColumnType<unknown, string | null | undefined, string | null>
  decision: ColumnType<unknown, string | null | undefined, string | null>
}

/** 6.4 the amount a budget holds for one cost category. */
export interface BudgetLinesTable {
  budget_id: string
  category: string
  amount: Money
}

/** 6.4 b a rule apportioning indirect costs to services by weight. */
export interface ApportionmentRulesTable {
  id: string
  name: string
  /** What the weights measure, e.g. `users per service`. */
  basis: string
  created_by: string
  created_at: Ts
  updated_at: Ts
  version: Generated<number>
}

export interface ApportionmentSharesTable {
  rule_id: string
  service_id: string
  weight: Money
}

/** 6.4 an actual cost. */
export interface CostEntriesTable {
  id: string
  incurred_on: Ts
  category: string
  amount: Money
  currency: string
  /** `direct` (service_id) or `indirect` (rule_id). */
  allocation: string
  service_id: string | null
  rule_id: string | null
  /** `fixed` or `variable`. */
  behaviour: string
  /** `capital` or `operating`. */
  expense: string
  contract_id: string | null
  case_id: string | null
  description: Generated<string>
  /** `api` or `csv`. */
  source: string
  recorded_by: string
  recorded_at: Ts
}

/** 6.4 the improvement or change a budget's exceeded variance raised. */
export interface BudgetVarianceActionsTable {
  id: Generated<number>
  budget_id: string
  case_id: string
  case_kind: string
  variance: Json
  raised_at: Ts
}
