/**
 * Clauses 8 (resolution) and 9 (control) of ISO/IEC 20000-1:2011, requirement by requirement,
 * in our own words.
 */
import { c, p, type Requirement } from './requirement-model'

export const clauses8to9: readonly Requirement[] = [
  // 8.1 incident and service request management
  c('8.1-a', 'Incidents and service requests are recorded.'),
  c('8.1-b', 'Each is given a priority.'),
  c('8.1-c', 'Each is classified.'),
  c('8.1-d', 'Its record is kept up to date.'),
  c('8.1-e', 'It is escalated when needed.'),
  c('8.1-f', 'It is resolved or fulfilled.'),
  c('8.1-g', 'It is closed.'),
  c('8.1-1', 'Priority comes from impact and urgency.'),
  c(
    '8.1-2',
    'People working incidents see known errors, problem resolutions, the CMDB and release information.',
  ),
  c(
    '8.1-3',
    'The customer is kept informed; when targets cannot be met, customer and interested parties are told and it escalates.',
  ),
  c(
    '8.1-4',
    'A major incident is defined with the customer, classified and handled by a documented procedure.',
  ),
  c('8.1-5', 'Top management hears of major incidents and a named person is responsible.'),
  c('8.1-6', 'After service is restored a major incident is reviewed for improvements.'),
  // 8.2 problem management
  c('8.2-a', 'Problems are identified.'),
  c('8.2-b', 'Problems are recorded.'),
  c('8.2-c', 'Each problem is given a priority.'),
  c('8.2-d', 'Each problem is classified.'),
  c('8.2-e', 'The problem record is kept up to date.'),
  c('8.2-f', 'Problems are escalated when needed.'),
  c('8.2-g', 'Problems are resolved.'),
  c('8.2-h', 'Problems are closed.'),
  c(
    '8.2-1',
    'Incident and problem data and trends are analysed for root causes and preventive action.',
  ),
  c('8.2-2', 'CI changes a problem needs go through a request for change.'),
  c(
    '8.2-3',
    'A known root cause without a permanent fix gets a workaround, recorded as a known error.',
  ),
  c('8.2-4', 'How effective problem resolutions are is monitored, reviewed and reported.'),
  c('8.2-5', 'Known errors and problem resolutions are given to incident and request management.'),
  // 9.1 configuration management
  c('9.1-1', 'Each type of CI is defined in a document.'),
  c('9.1-a', 'A CI record holds a description.'),
  c('9.1-b', 'A CI record holds its relationships to other CIs.'),
  c('9.1-c', 'A CI record holds its relationships to service components.'),
  c('9.1-d', 'A CI record holds a status.'),
  c('9.1-e', 'A CI record holds a version.'),
  c('9.1-f', 'A CI record holds a location.'),
  c('9.1-g', 'A CI record names the requests for change that concern it.'),
  c('9.1-h', 'A CI record names the problems and known errors that concern it.'),
  c('9.1-2', 'CIs are uniquely identified and their versions recorded, controlled and tracked.'),
  c('9.1-3', 'Changes to CIs can be traced and audited; CMDB updates are controlled.'),
  c('9.1-4', 'A configuration baseline of affected CIs is taken before a release is deployed.'),
  p(
    '9.1-5',
    'The accuracy of the CMDB is checked at planned intervals and deficiencies acted on.',
    'CI updates and internal audits covering 9.1',
  ),
  c('9.1-6', 'CMDB information is given to change management for assessing RFCs.'),
  // 9.2 change management
  c('9.2-a', 'The change management policy names the CIs under change control.'),
  c('9.2-b', 'The policy says which changes have potential major impact.'),
  c('9.2-1', 'Removing a service or handing it to another party counts as potential major impact.'),
  c(
    '9.2-2',
    'A documented procedure records, classifies, assesses and approves RFCs; each RFC has a scope.',
  ),
  c('9.2-3', 'Emergency changes are defined with the customer and follow their own procedure.'),
  c('9.2-4', 'RFCs are assessed with information from change management and other processes.'),
  c(
    '9.2-5',
    'Decisions weigh risk, impact on services and customer, requirements, benefit, feasibility and cost.',
  ),
  c('9.2-6', 'Approved changes are built and tested.'),
  c(
    '9.2-7',
    'A schedule of change with proposed deployment dates is communicated and feeds release planning.',
  ),
  c(
    '9.2-8',
    'Reversal or remediation is planned and where possible tested; failed changes are reversed or remedied and investigated.',
  ),
  c('9.2-9', 'The CMDB is updated after a successful deployment.'),
  c('9.2-10', 'Success and effectiveness of a change are reviewed after it is implemented.'),
  c('9.2-11', 'RFCs are analysed for trends at planned intervals and the results reviewed.'),
  // 9.3 release and deployment management
  c('9.3-1', 'A release policy agreed with the customer sets frequency and types of release.'),
  c(
    '9.3-2',
    'Releases are planned with change management: related RFCs, known errors and problems, dates, deliverables, method.',
  ),
  c(
    '9.3-3',
    'Emergency releases are defined with the customer and follow a procedure tied to emergency change.',
  ),
  c('9.3-4', 'Releases are built and tested in a controlled acceptance test environment.'),
  c(
    '9.3-5',
    'Acceptance criteria are agreed; the release is verified against them and approved before deployment.',
  ),
  c('9.3-6', 'Deployment keeps hardware, software and other CIs intact.'),
  c(
    '9.3-7',
    'Back-out or remediation is planned, tested where possible and used when deployment fails.',
  ),
  c(
    '9.3-8',
    'Success or failure is measured, incidents after the release included, with the impact on customers.',
  ),
  c('9.3-9', 'Results are recorded and reviewed for improvements.'),
  c(
    '9.3-10',
    'Release outcome and future release dates are given to incident and change management.',
  ),
]
