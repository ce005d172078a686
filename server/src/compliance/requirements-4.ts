/**
 * Clause 4 of ISO/IEC 20000-1:2011 (the service management system), requirement by
 * requirement, in our own words. Ids: `<clause>-<letter>` for listed items, `<clause>-<n>` for
 * the other statements of the clause.
 */
import { c, p, type Requirement } from './requirement-model'

const board = 'management review records and decisions'
const doc = 'a controlled document, its approval and distribution'

export const clause4: readonly Requirement[] = [
  // 4.1.1 management commitment
  p('4.1.1-a', 'Top management sets and makes known the SMS scope, policy and objectives.', doc),
  p(
    '4.1.1-b',
    'Top management sees that the service management plan is made, run and kept up.',
    doc,
  ),
  p(
    '4.1.1-c',
    'Top management tells the organisation why meeting service requirements matters.',
    'distribution and acknowledgement of the policy',
  ),
  p('4.1.1-d', 'Top management makes resources available.', board),
  c('4.1.1-e', 'Management reviews take place at planned intervals.'),
  c('4.1.1-f', 'Risks to services are assessed and managed.'),
  // 4.1.2 policy
  p('4.1.2-a', 'The policy fits the purpose of the provider.', doc),
  p(
    '4.1.2-b',
    'The policy commits to meeting service requirements and to continual improvement.',
    doc,
  ),
  p('4.1.2-c', 'The policy gives a frame for setting and reviewing objectives.', doc),
  c('4.1.2-d', 'The policy is communicated and understood within the provider.'),
  c('4.1.2-e', 'The policy is reviewed for whether it still fits.'),
  // 4.1.3 authority, responsibility, communication
  c('4.1.3-a', 'Who may decide and who is responsible for what is defined and kept current.'),
  c('4.1.3-b', 'How communication happens is set down in documented procedures.'),
  // 4.1.4 management representative
  p(
    '4.1.4-1',
    'A named manager represents management for the SMS.',
    'the sms-managers group and its members',
  ),
  p(
    '4.1.4-a',
    'The representative sees that service requirements are found, written down and met.',
    'service catalogue, SLAs and their change history',
  ),
  c('4.1.4-b', 'The representative assigns authorities and responsibilities for the SMS.'),
  c('4.1.4-c', 'Changes to the SMS itself are controlled.'),
  c('4.1.4-d', 'Performance of the SMS and the services is reported to top management.'),
  p('4.1.4-e', 'The representative coordinates the service management processes.', board),
  // 4.2 processes operated by other parties
  c('4.2-1', 'Every process or part of one run by another party is identified.'),
  c(
    '4.2-a',
    'The provider stays accountable for those processes and can make the other party comply.',
  ),
  c('4.2-b', 'The provider controls how those processes are defined and where they meet its own.'),
  c('4.2-c', 'The provider measures how those processes perform and whether they conform.'),
  p(
    '4.2-d',
    'The provider controls planning and priorities of improvements to those processes.',
    'improvements linked to the party process',
  ),
  // 4.3.1 documents
  c('4.3.1-1', 'Documents and records needed to plan, run and control the SMS are kept.'),
  c('4.3.1-a', 'Policies and objectives for service management are documented.'),
  c('4.3.1-b', 'The service management plan is documented.'),
  c('4.3.1-c', 'Policies and plans of particular processes are documented.'),
  c('4.3.1-d', 'The service catalogue is documented.'),
  c('4.3.1-e', 'SLAs are documented.'),
  c('4.3.1-f', 'The service management processes are documented.'),
  c('4.3.1-g', 'The procedures and records this standard asks for are documented.'),
  c('4.3.1-h', 'Other documents the provider needs, external ones included, are kept.'),
  // 4.3.2 control of documents
  c('4.3.2-1', 'Documents are controlled by a documented procedure naming who may do what.'),
  c('4.3.2-a', 'A document is approved before it is issued.'),
  c('4.3.2-b', 'Interested parties hear of new and changed documents.'),
  c('4.3.2-c', 'Documents are reviewed and brought up to date when needed.'),
  c('4.3.2-d', 'Changes and the current revision of a document can be seen.'),
  c('4.3.2-e', 'The right version is at hand where the work is done.'),
  c('4.3.2-f', 'Documents stay readable and can be recognised.'),
  c('4.3.2-g', 'Documents from outside are recognised and their distribution controlled.'),
  c('4.3.2-h', 'Obsolete documents are marked and cannot be used by mistake.'),
  // 4.3.3 control of records
  c('4.3.3-1', 'Records that show conformity and effective operation are kept.'),
  c(
    '4.3.3-2',
    'A procedure fixes how records are identified, stored, protected, found, retained and disposed of.',
  ),
  c('4.3.3-3', 'Records stay readable, recognisable and retrievable.'),
  // 4.4 resources
  p(
    '4.4.1-a',
    'Resources are provided to run, maintain and improve the SMS and the services.',
    board,
  ),
  p('4.4.1-b', 'Resources are provided to raise customer satisfaction.', board),
  c(
    '4.4.2-1',
    'People whose work affects service conformity are competent by schooling, training, skill and experience.',
  ),
  c('4.4.2-a', 'The competence each role needs is determined.'),
  c('4.4.2-b', 'Training or other action closes competence gaps.'),
  p(
    '4.4.2-c',
    'Whether the training or action worked is evaluated.',
    'completion of a training record with its evidence',
  ),
  p(
    '4.4.2-d',
    'People know how their work matters and adds to the objectives.',
    'policy acknowledgements',
  ),
  c('4.4.2-e', 'Records of schooling, training, skills and experience are kept.'),
  // 4.5.1 scope
  c(
    '4.5.1-1',
    'The SMS scope names the organisation units and the services, and is part of the plan.',
  ),
  // 4.5.2 plan
  c(
    '4.5.2-1',
    'A service management plan is made, run and kept, considering service and SMS requirements.',
  ),
  c('4.5.2-a', 'The plan names the service management objectives.'),
  c('4.5.2-b', 'The plan names the service requirements.'),
  c('4.5.2-c', 'The plan names known limits that may affect the SMS.'),
  c(
    '4.5.2-d',
    'The plan names policies, standards, legal, regulatory and contractual obligations.',
  ),
  c('4.5.2-e', 'The plan gives the frame of authorities, responsibilities and process roles.'),
  c('4.5.2-f', 'The plan names who is responsible for plans, processes and procedures.'),
  c('4.5.2-g', 'The plan names the human, technical, information and financial resources.'),
  c('4.5.2-h', 'The plan says how the provider works with other parties.'),
  c(
    '4.5.2-i',
    'The plan says how processes interface with each other and with other parts of the SMS.',
  ),
  c('4.5.2-j', 'The plan says how risks are managed and when a risk is accepted.'),
  c('4.5.2-k', 'The plan names the technology that supports the SMS.'),
  c('4.5.2-l', 'The plan says how effectiveness is measured, audited, reported and improved.'),
  c('4.5.2-2', 'Plans of particular processes agree with the service management plan.'),
  // 4.5.3 implement and operate
  p(
    '4.5.3-a',
    'Funds and budgets are allocated and managed.',
    'budget documents under document control',
  ),
  c('4.5.3-b', 'Authorities, responsibilities and process roles are assigned.'),
  p(
    '4.5.3-c',
    'Human, technical and information resources are managed.',
    'competence register, CMDB',
  ),
  c('4.5.3-d', 'Risks to the services are identified, assessed and managed.'),
  c('4.5.3-e', 'The service management processes are managed.'),
  c('4.5.3-f', 'Activities are monitored and reported on.'),
  // 4.5.4 monitor and review
  c(
    '4.5.4.1-1',
    'Suitable methods monitor and measure the SMS and the services, audits and reviews among them.',
  ),
  c('4.5.4.1-2', 'The objectives of audits and reviews are documented and their results recorded.'),
  c(
    '4.5.4.2-a',
    'Internal audits at planned intervals check conformity with this standard and the provider’s own requirements.',
  ),
  c(
    '4.5.4.2-b',
    'Internal audits check that the SMS and services are effectively implemented and maintained.',
  ),
  c(
    '4.5.4.2-1',
    'A documented procedure covers planning, doing and reporting audits and keeping their records.',
  ),
  c('4.5.4.2-2', 'The audit programme weighs status and importance of areas and earlier results.'),
  c('4.5.4.2-3', 'Criteria, scope, frequency and methods of audits are defined.'),
  c('4.5.4.2-4', 'Auditors are chosen for objectivity and do not audit their own work.'),
  c(
    '4.5.4.2-5',
    'Audit results and nonconformities are documented and reported to interested parties.',
  ),
  c('4.5.4.2-6', 'Nonconformities are prioritised, assigned and acted on without undue delay.'),
  c('4.5.4.2-7', 'Follow-up verifies the actions taken and reports the result.'),
  c('4.5.4.3-1', 'Top management reviews the SMS and the services at planned intervals.'),
  c('4.5.4.3-2', 'The review looks for improvements and for needed changes to the SMS.'),
  c('4.5.4.3-a', 'Review input: customer feedback.'),
  c('4.5.4.3-b', 'Review input: how services and processes perform and conform.'),
  c('4.5.4.3-c', 'Review input: present and expected levels of resources.'),
  c('4.5.4.3-d', 'Review input: present and expected human and technical capability.'),
  c('4.5.4.3-e', 'Review input: risks.'),
  c('4.5.4.3-f', 'Review input: audit results and their follow-up.'),
  c('4.5.4.3-g', 'Review input: follow-up of earlier reviews.'),
  c('4.5.4.3-h', 'Review input: state of corrective and preventive actions.'),
  c('4.5.4.3-i', 'Review input: changes that could affect the SMS and the services.'),
  c('4.5.4.3-j', 'Review input: opportunities to improve.'),
  c('4.5.4.3-3', 'Records of the reviews are kept.'),
  // 4.5.5 improve
  c('4.5.5.1-1', 'A continual improvement policy with evaluation criteria exists.'),
  c('4.5.5.1-2', 'Nonconformities are corrected or their recurrence is prevented.'),
  c(
    '4.5.5.1-3',
    'A documented procedure finds, records, evaluates, approves, ranks, manages, measures and reports improvements.',
  ),
  c('4.5.5.1-4', 'Improvement opportunities are recorded and evaluated against the criteria.'),
  c(
    '4.5.5.2-a',
    'Improvements get targets in quality, value, capability, cost, productivity, resource use or risk.',
  ),
  c('4.5.5.2-b', 'Approved improvements are carried out.'),
  c('4.5.5.2-c', 'Policies, plans, procedures and processes are revised where needed.'),
  c('4.5.5.2-d', 'Improvements are measured against their targets; missed targets lead to action.'),
  c('4.5.5.2-e', 'Implemented improvements are reported.'),
]
