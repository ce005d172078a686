/**
 * Demo data for a first start: the staff groups and one user per role, each with a random
 * password that is printed once. Runs only while the users table is empty, so a restart
 * never re-seeds or changes a password.
 */
import type { Kysely } from 'kysely'
import type { DB } from '../db/schema'
import { generatePassword, hashPassword } from '../auth/password'
import { Role, StaffGroup } from '../auth/roles'

export interface SeededUser {
  username: string
  password: string
  roles: Role[]
  groups: string[]
}

const groups: { id: StaffGroup; name: string; description: string }[] = [
  {
    id: StaffGroup.ServiceDesk,
    name: 'Service desk',
    description: 'First line: records, classifies and resolves incidents and requests (8.1).',
  },
  {
    id: StaffGroup.Network,
    name: 'Network team',
    description: 'Second line: network and infrastructure.',
  },
  {
    id: StaffGroup.ProblemManagers,
    name: 'Problem managers',
    description: 'Problem management (8.2).',
  },
  {
    id: StaffGroup.ChangeManagers,
    name: 'Change managers',
    description: 'Change management (9.2).',
  },
  {
    id: StaffGroup.Cab,
    name: 'Change advisory board',
    description: 'Decides on requests for change (9.2).',
  },
  {
    id: StaffGroup.ReleaseManagers,
    name: 'Release managers',
    description: 'Release and deployment management (9.3).',
  },
  {
    id: StaffGroup.SupplierManagers,
    name: 'Supplier managers',
    description: 'Supplier management (7.2).',
  },
  {
    id: StaffGroup.ImprovementManagers,
    name: 'Improvement managers',
    description: 'Continual improvement (4.5.5).',
  },
  {
    id: StaffGroup.TopManagement,
    name: 'Top management',
    description: 'Informed of major incidents (8.1); management review (4.5.4.3).',
  },
  {
    id: StaffGroup.SmsManagers,
    name: 'SMS managers',
    description:
      'Management representative and SMS managers (4.1.4): SMS documents, risks, competence, audit programme, corrective actions and management review (4.5.4).',
  },
  {
    id: StaffGroup.InternalAuditors,
    name: 'Internal auditors',
    description: 'Conduct internal audits and record findings (4.5.4.2).',
  },
  {
    id: StaffGroup.RelationshipManagers,
    name: 'Relationship managers',
    description:
      'Business relationship: customers, complaints, satisfaction and service reviews (7.1, 6.1).',
  },
  {
    id: StaffGroup.InformationSecurity,
    name: 'Information security',
    description:
      "Information security incidents, the controls register and external parties' access (6.6).",
  },
  {
    id: StaffGroup.Finance,
    name: 'Finance',
    description: 'Budgeting and accounting for services: budgets, costs and their approval (6.4).',
  },
]

const users: {
  username: string
  displayName: string
  roles: Role[]
  groups: string[]
  leads?: string[]
}[] = [
  { username: 'admin', displayName: 'Ada Admin', roles: [Role.Admin], groups: [] },
  { username: 'owner', displayName: 'Otto Process-Owner', roles: [Role.ProcessOwner], groups: [] },
  { username: 'approver', displayName: 'Aria Approver', roles: [Role.ProcessOwner], groups: [] },
  {
    username: 'desk',
    displayName: 'Sam Service-Desk',
    roles: [Role.Staff],
    groups: [StaffGroup.ServiceDesk],
    leads: [StaffGroup.ServiceDesk],
  },
  {
    username: 'desk2',
    displayName: 'Dana Service-Desk',
    roles: [Role.Staff],
    groups: [StaffGroup.ServiceDesk],
  },
  {
    username: 'network',
    displayName: 'Nico Network',
    roles: [Role.Staff],
    groups: [StaffGroup.Network],
  },
  {
    username: 'problem',
    displayName: 'Pat Problem-Manager',
    roles: [Role.Staff],
    groups: [StaffGroup.ProblemManagers, StaffGroup.Network],
  },
  {
    username: 'change',
    displayName: 'Chris Change-Manager',
    roles: [Role.Staff],
    groups: [StaffGroup.ChangeManagers, StaffGroup.Cab],
    leads: [StaffGroup.ChangeManagers],
  },
  { username: 'cab', displayName: 'Cam CAB-Member', roles: [Role.Staff], groups: [StaffGroup.Cab] },
  {
    username: 'release',
    displayName: 'Remy Release-Manager',
    roles: [Role.Staff],
    groups: [StaffGroup.ReleaseManagers],
  },
  {
    username: 'supplier',
    displayName: 'Sue Supplier-Manager',
    roles: [Role.Staff],
    groups: [StaffGroup.SupplierManagers],
  },
  {
    username: 'improve',
    displayName: 'Ivy Improvement-Manager',
    roles: [Role.Staff],
    groups: [StaffGroup.ImprovementManagers],
  },
  {
    username: 'topmgmt',
    displayName: 'Tom Top-Management',
    roles: [Role.Staff],
    groups: [StaffGroup.TopManagement],
  },
  {
    username: 'smsmgr',
    displayName: 'Sally SMS-Manager',
    roles: [Role.Staff],
    groups: [StaffGroup.SmsManagers],
    leads: [StaffGroup.SmsManagers],
  },
  {
    username: 'smsmgr2',
    displayName: 'Simon SMS-Manager',
    roles: [Role.Staff],
    groups: [StaffGroup.SmsManagers],
  },
  {
    username: 'iaudit',
    displayName: 'Ian Internal-Auditor',
    roles: [Role.Staff],
    groups: [StaffGroup.InternalAuditors],
  },
  {
    // works on the service desk too: may not audit incident management (4.5.4.2)
    username: 'iaudit2',
    displayName: 'Isa Internal-Auditor',
    roles: [Role.Staff],
    groups: [StaffGroup.InternalAuditors, StaffGroup.ServiceDesk],
  },
  {
    // 7.1: manages the customer relationship, complaints and service reviews (6.1)
    username: 'relman',
    displayName: 'Rita Relationship-Manager',
    roles: [Role.Staff],
    groups: [StaffGroup.RelationshipManagers],
  },
  {
    // 6.6: handles information security incidents and keeps the controls register
    username: 'secmgr',
    displayName: 'Selma Security-Manager',
    roles: [Role.Staff],
    groups: [StaffGroup.InformationSecurity],
  },
  {
    // 6.4: budgets and costs per service; a budget is approved by the other finance user
    username: 'finance',
    displayName: 'Fiona Finance',
    roles: [Role.Staff],
    groups: [StaffGroup.Finance],
  },
  {
    username: 'finance2',
    displayName: 'Felix Finance',
    roles: [Role.Staff],
    groups: [StaffGroup.Finance],
  },
  { username: 'auditor', displayName: 'Audrey Auditor', roles: [Role.Auditor], groups: [] },
  { username: 'customer', displayName: 'Cora Customer', roles: [Role.Customer], groups: [] },
  { username: 'customer2', displayName: 'Carl Customer', roles: [Role.Customer], groups: [] },
]

/**
 * Creates the demo groups and users when no user exists yet. Returns the users with their
 * passwords, or an empty list when the database already had users.
 */
export async function seedDemoUsers(db: Kysely<DB>): Promise<SeededUser[]> {
  return db.transaction().execute(async (tx) => {
    const existing = await tx.selectFrom('users').select('id').limit(1).executeTakeFirst()
    if (existing) return []
    await tx
      .insertInto('groups')
      .values(groups)
      .onConflict((oc) => oc.column('id').doNothing())
      .execute()
    const seeded: SeededUser[] = []
    for (const u of users) {
      const password = generatePassword()
      const { id } = await tx
        .insertInto('users')
        .values({
          username: u.username,
          display_name: u.displayName,
          email: `${u.username}@example.org`,
          password_hash: await hashPassword(password),
          roles: u.roles,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      if (u.groups.length) {
        await tx
          .insertInto('user_groups')
          .values(
            u.groups.map((g) => ({
              user_id: id,
              group_id: g,
              is_lead: u.leads?.includes(g) ?? false,
            })),
          )
          .execute()
      }
      seeded.push({ username: u.username, password, roles: u.roles, groups: u.groups })
    }
    return seeded
  })
}
