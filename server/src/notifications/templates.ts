/**
 * Notification texts by template name (8.1: the customer is kept informed; top management is
 * told of major incidents; interested parties are told when service targets cannot be met).
 */

/** What a template is filled with. */
export interface TemplateContext {
  caseKind?: string
  caseId?: string
  title?: string
  /** Free text, e.g. an escalation reason or a release outcome. */
  detail?: string
}

export const Template = {
  IncidentRecorded: 'incident-recorded',
  IncidentResolved: 'incident-resolved',
  RequestRejected: 'request-rejected',
  RequestFulfilled: 'request-fulfilled',
  ResponseTargetMissed: 'response-target-missed',
  ResolutionTargetMissed: 'resolution-target-missed',
  MajorIncident: 'major-incident',
  Escalation: 'escalation',
  ReleaseOutcome: 'release-outcome',
  ImprovementReport: 'improvement-report',
  SmsDocumentIssued: 'sms-document-issued',
  ServiceTermsChanged: 'service-terms-changed',
  SmsDocumentReviewDue: 'sms-document-review-due',
  AuditReport: 'audit-report',
  ManagementReviewAction: 'management-review-action',
  ComplaintRecorded: 'complaint-recorded',
  ComplaintResponse: 'complaint-response',
  ComplaintNotAccepted: 'complaint-not-accepted',
  SatisfactionSurvey: 'satisfaction-survey',
  ServiceReviewAction: 'service-review-action',
  SecurityIncident: 'security-incident',
} as const
export type Template = (typeof Template)[keyof typeof Template]

export const templateNames: readonly string[] = Object.values(Template)

export function isTemplate(value: unknown): value is Template {
  return typeof value === 'string' && templateNames.includes(value)
}

const ref = (c: TemplateContext) => `${c.caseId ?? ''}${c.title ? ` "${c.title}"` : ''}`

const texts: Record<Template, (c: TemplateContext) => { subject: string; body: string }> = {
  'incident-recorded': (c) => ({
    subject: `Your incident ${c.caseId ?? ''} is recorded`,
    body: `We have recorded your incident ${ref(c)} and are working on it.`,
  }),
  'incident-resolved': (c) => ({
    subject: `Your incident ${c.caseId ?? ''} is resolved`,
    body: `Incident ${ref(c)} is resolved. Please confirm that the service works again; without an answer it closes automatically.`,
  }),
  'request-rejected': (c) => ({
    subject: `Your request ${c.caseId ?? ''} was not approved`,
    body: `Service request ${ref(c)} was not approved.${c.detail ? ` ${c.detail}` : ''}`,
  }),
  'request-fulfilled': (c) => ({
    subject: `Your request ${c.caseId ?? ''} is fulfilled`,
    body: `Service request ${ref(c)} is fulfilled. Please confirm.`,
  }),
  'response-target-missed': (c) => ({
    subject: `Delay on ${c.caseId ?? ''}`,
    body: `The agreed response time for ${ref(c)} has passed. The case has been escalated.`,
  }),
  'resolution-target-missed': (c) => ({
    subject: `Target missed on ${c.caseId ?? ''}`,
    body: `The agreed resolution time for ${ref(c)} cannot be met. The case has been escalated.`,
  }),
  'major-incident': (c) => ({
    subject: `Major incident ${c.caseId ?? ''}`,
    body: `Major incident ${ref(c)} was declared.${c.detail ? ` ${c.detail}` : ''}`,
  }),
  escalation: (c) => ({
    subject: `Escalated: ${c.caseId ?? ''}`,
    body: `${c.caseKind ?? 'Case'} ${ref(c)} is escalated to you.${c.detail ? ` Reason: ${c.detail}.` : ''}`,
  }),
  'release-outcome': (c) => ({
    subject: `Release ${c.caseId ?? ''}: ${c.detail ?? ''}`,
    body: `Release ${ref(c)} outcome: ${c.detail ?? 'unknown'}.`,
  }),
  'audit-report': (c) => ({
    subject: `Internal audit ${c.caseId ?? ''} reported`,
    body: `The results of internal audit ${ref(c)} are reported (ISO/IEC 20000-1 4.5.4.2): ${c.detail ?? ''}.`,
  }),
  'management-review-action': (c) => ({
    subject: `Management review action overdue: ${c.title ?? ''}`,
    body: `Your action "${c.title ?? ''}" from management review ${c.caseId ?? ''} is past its due date.${c.detail ? ` ${c.detail}` : ''}`,
  }),
  'improvement-report': (c) => ({
    subject: `Improvement ${c.caseId ?? ''}: ${c.detail ?? ''}`,
    body: `Improvement ${ref(c)}: ${c.detail ?? ''}.`,
  }),
  // 4.3.2 b: interested parties are told of new or changed documents and acknowledge them
  'sms-document-issued': (c) => ({
    subject: `Document ${c.caseId ?? ''} issued: please read and acknowledge`,
    body: `${ref(c)} is effective${c.detail ? ` (${c.detail})` : ''}. Read it and acknowledge it in the SMS documents register.`,
  }),
  // 7.1, 6.1: customers are told when the service levels or the catalogue of their services change
  'service-terms-changed': (c) => ({
    subject: `Changed service terms: ${c.title ?? c.caseId ?? ''}`,
    body: `A new version of ${c.title ?? c.caseId ?? 'the service terms'} takes effect${c.detail ? ` (${c.detail})` : ''}. The service catalogue shows the service levels now agreed.`,
  }),
  // 4.3.2 c: documents are reviewed at planned intervals
  'sms-document-review-due': (c) => ({
    subject: `Review due: ${c.caseId ?? ''}`,
    body: `The planned review of ${ref(c)} is due${c.detail ? ` (${c.detail})` : ''}. Review it and record the review or issue a new version.`,
  }),
  // 7.1: complaints are acknowledged, reported and closed with the customer
  'complaint-recorded': (c) => ({
    subject: `Your complaint ${c.caseId ?? ''} is recorded`,
    body: `We have recorded your complaint ${ref(c)} and will investigate it.`,
  }),
  'complaint-response': (c) => ({
    subject: `Our response to your complaint ${c.caseId ?? ''}`,
    body: `We have acted on your complaint ${ref(c)}. Please read our response and tell us whether we may close it.`,
  }),
  'complaint-not-accepted': (c) => ({
    subject: `Your complaint ${c.caseId ?? ''}`,
    body: `What you raised in ${ref(c)} does not meet the agreed definition of a complaint; the investigation on the record says why.`,
  }),
  // 7.1: customer satisfaction is measured
  'satisfaction-survey': (c) => ({
    subject: 'How satisfied are you with our service?',
    body: `Please answer our short survey ${c.title ?? ''}${c.caseId ? ` about ${c.caseId}` : ''} under "Surveys" in the portal.`,
  }),
  // 6.1: actions agreed in a service review with the customer
  'service-review-action': (c) => ({
    subject: `Service review action overdue: ${c.title ?? ''}`,
    body: `Your action "${c.title ?? ''}" from service review ${c.caseId ?? ''} is past its due date.${c.detail ? ` ${c.detail}` : ''}`,
  }),
  // 6.6.3: the information security group is told of a security incident
  'security-incident': (c) => ({
    subject: `Information security incident ${c.caseId ?? ''}`,
    body: `Incident ${ref(c)} is classified as an information security incident: handle it and decide whether it is reported to the authorities.${c.detail ? ` ${c.detail}` : ''}`,
  }),
}

/** Subject and body of a template for a case. */
export function render(template: Template, context: TemplateContext) {
  return texts[template](context)
}
