/**
 * Clauses 5 (design and transition), 6 (service delivery) and 7 (relationships) of
 * ISO/IEC 20000-1:2011, requirement by requirement, in our own words.
 */
import { c, p, type Requirement } from './requirement-model'

const doc = 'a controlled document, its approval and review'

export const clauses5to7: readonly Requirement[] = [
  // 5.1 general
  c(
    '5.1-1',
    'New services and changes with potential major impact go through design and transition.',
  ),
  c('5.1-2', 'The change management policy decides which changes are in scope of clause 5.'),
  // 5.2 plan
  c(
    '5.2-1',
    'Service requirements of a new or changed service are identified and the plan approved.',
  ),
  c('5.2-a', 'The plan names who is responsible for design, build and transition.'),
  c('5.2-b', 'The plan names the activities of the provider and other parties.'),
  c('5.2-c', 'The plan covers communication to interested parties.'),
  c('5.2-d', 'The plan names the resources needed.'),
  c('5.2-e', 'The plan gives the timescales.'),
  c('5.2-f', 'The plan identifies, assesses and manages the risks.'),
  c('5.2-g', 'The plan names dependencies on other services.'),
  c('5.2-h', 'The plan says how the service is tested.'),
  c('5.2-i', 'The plan states the acceptance criteria.'),
  c('5.2-j', 'The plan states expected outcomes in measurable terms.'),
  p(
    '5.2-2',
    'Removing or transferring a service is planned: date, data, assets and agreements.',
    'the removal plan of the service design and transition and the change it serves',
  ),
  // 5.3 design and development
  c(
    '5.3-1',
    'The design of the service is documented: responsibilities, activities, people and training, technology, contracts, SMS changes, SLAs, catalogue, procedures.',
  ),
  p(
    '5.3-2',
    'The service is built and documented according to its design.',
    'the build and test step of the change',
  ),
  // 5.4 transition
  c('5.4-1', 'The new or changed service is tested against its requirements and design.'),
  c('5.4-2', 'The service is verified against the agreed acceptance criteria.'),
  c('5.4-3', 'The service reaches the live environment through release and deployment management.'),
  c('5.4-4', 'After transition, the achieved outcome is reported against the expected one.'),
  // 6.1 service level management
  c('6.1-1', 'The services to deliver are agreed with the customer.'),
  c(
    '6.1-2',
    'A service catalogue, with dependencies between services and components, is agreed and kept.',
  ),
  c('6.1-3', 'Each service has SLAs with targets, workload characteristics and exceptions.'),
  c('6.1-4', 'Trends and performance against service targets are monitored at planned intervals.'),
  p(
    '6.1-5',
    'Services and SLAs are reviewed with the customer at planned intervals.',
    'SLA records, their change history and service reports',
  ),
  c('6.1-6', 'Changes to service requirements, catalogue and SLAs go through change management.'),
  c(
    '6.1-7',
    'Agreements with internal groups and customers acting as suppliers are documented and reviewed.',
  ),
  // 6.2 service reporting
  c('6.2-1', 'Each report has a stated purpose, audience and data source.'),
  c('6.2-a', 'Reports show performance against service targets.'),
  c('6.2-b', 'Reports show significant events: major incidents, deployments, continuity plan use.'),
  c('6.2-c', 'Reports show workload and its periodic changes.'),
  c('6.2-d', 'Reports show detected nonconformities and their causes.'),
  c('6.2-e', 'Reports show trends.'),
  c('6.2-f', 'Reports show customer satisfaction, complaints and their analysis.'),
  p(
    '6.2-2',
    'Decisions and actions taken on report findings are communicated.',
    'report snapshots and management review actions',
  ),
  // 6.3 continuity and availability
  c('6.3.1-1', 'Risks to continuity and availability are assessed and documented.'),
  p(
    '6.3.1-2',
    'Continuity and availability requirements are agreed with customer and interested parties.',
    doc,
  ),
  p('6.3.1-a', 'The requirements cover access rights to the services.', doc),
  p('6.3.1-b', 'The requirements cover service response times.', doc),
  p('6.3.1-c', 'The requirements cover end-to-end availability.', doc),
  p('6.3.2-1', 'Continuity and availability plans are made, carried out and maintained.', doc),
  p(
    '6.3.2-2',
    'The continuity plan covers major loss of service, targets, recovery and return to normal.',
    doc,
  ),
  c(
    '6.3.2-3',
    'Changes to the plans go through change management; RFCs are assessed for their effect on them.',
  ),
  p(
    '6.3.3-1',
    'Availability is monitored, recorded and compared with its targets.',
    'SLA performance in service reports',
  ),
  c('6.3.3-2', 'Unplanned unavailability is investigated and acted on.'),
  p(
    '6.3.3-3',
    'Continuity plans are tested, also after major changes, and the results recorded and reviewed.',
    doc,
  ),
  // 6.4 budgeting and accounting
  p('6.4-1', 'Budgeting and accounting have clear interfaces to wider financial management.', doc),
  p(
    '6.4-2',
    'Policies and procedures cover budgeting and accounting per component, cost allocation and financial control.',
    doc,
  ),
  p(
    '6.4-3',
    'Costs are budgeted and accounted in enough detail for decisions and monitored against budget.',
    doc,
  ),
  // 6.5 capacity
  p('6.5-1', 'Capacity and performance requirements are identified and agreed.', doc),
  p(
    '6.5-2',
    'A capacity plan covering demand, impact, upgrade thresholds, regulation and technology is kept.',
    doc,
  ),
  p(
    '6.5-3',
    'Changes to the capacity plan go through change management.',
    'RFCs that name the capacity plan',
  ),
  p('6.5-4', 'Capacity use is monitored and analysed, and enough capacity is provided.', doc),
  // 6.6 information security
  p('6.6.1-1', 'Management approves an information security policy and communicates it.', doc),
  c(
    '6.6.1-2',
    'Information security risks are assessed at planned intervals against acceptance criteria.',
  ),
  p(
    '6.6.1-3',
    'Internal information security audits take place and their results are reviewed.',
    'internal audits covering 6.6',
  ),
  c(
    '6.6.2-1',
    'Security controls are approved, implemented, documented and their effect monitored.',
  ),
  p(
    '6.6.2-2',
    'External parties with access to information or services are identified and controls agreed with them.',
    'party processes and agreements',
  ),
  c('6.6.3-a', 'Each RFC is assessed for new or changed security risks.'),
  c('6.6.3-b', 'Each RFC is assessed for its effect on security policy and controls.'),
  c(
    '6.6.3-1',
    'Security incidents go through incident management with priority matching the risk.',
  ),
  c(
    '6.6.3-2',
    'Type, volume and impact of security incidents are analysed, reported and reviewed.',
  ),
  // 7.1 business relationship
  c(
    '7.1-1',
    'Customers, users and interested parties of the services are identified and documented.',
  ),
  p(
    '7.1-2',
    'Each customer has a named person responsible for the relationship.',
    'the relationship manager named on the service or agreement',
  ),
  c('7.1-3', 'A way of communicating with the customer exists.'),
  p(
    '7.1-4',
    'Service performance is reviewed with the customer at planned intervals.',
    'service reports and customer reviews',
  ),
  c('7.1-5', 'Changes to service requirements and SLAs go through change management.'),
  c(
    '7.1-6',
    'A documented procedure handles complaints: record, investigate, act, report, close, escalate.',
  ),
  c('7.1-7', 'Customer satisfaction is measured at planned intervals, analysed and reported.'),
  // 7.2 supplier management
  c('7.2-1', 'A documented process manages suppliers, each with a named relationship owner.'),
  c(
    '7.2-2',
    'Each supplier has a contract naming scope, dependencies, requirements, targets, interfaces, workload, exceptions, authorities, reporting, charging and termination.',
  ),
  c('7.2-3', 'Supplier service levels are aligned with the SLAs they support.'),
  p(
    '7.2-4',
    'Lead and subcontracted suppliers and their relationships are documented.',
    'supplier records and links',
  ),
  c(
    '7.2-5',
    'Supplier performance is monitored at planned intervals against targets and obligations.',
  ),
  c(
    '7.2-6',
    'Review results are recorded; causes of nonconformities and improvements are identified.',
  ),
  c('7.2-7', 'The contract is reviewed for whether it still meets the requirements.'),
  c('7.2-8', 'Contract changes go through change management.'),
  c('7.2-9', 'A documented procedure handles contractual disputes.'),
]
