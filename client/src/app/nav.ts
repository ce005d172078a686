/**
 * Who sees what: the navigation per role and the roles each route needs. The server enforces
 * the same rules; this only keeps people from links that would answer 403.
 */
import type { User } from '../lib/user'

/** A navigation entry. */
export interface NavItem {
  href: string
  label: string
  roles: readonly string[]
}

const ops = ['staff', 'admin'] as const
const readers = ['staff', 'admin', 'auditor', 'process-owner'] as const

/** Sections of the side navigation, in order. */
export const navSections: { title: string; items: NavItem[] }[] = [
  {
    title: 'Work',
    items: [
      { href: '/inbox', label: 'Inbox', roles: ops },
      { href: '/requests', label: 'My requests', roles: ['customer'] },
      // 6.1: what customers may request and the service levels promised
      { href: '/catalogue', label: 'Service catalogue', roles: ['customer'] },
      // 7.1: customers answer satisfaction surveys
      { href: '/surveys', label: 'Surveys', roles: ['customer'] },
    ],
  },
  {
    title: 'Cases',
    items: [
      { href: '/cases/incidents', label: 'Incidents', roles: readers },
      { href: '/cases/service-requests', label: 'Service requests', roles: readers },
      { href: '/cases/problems', label: 'Problems', roles: readers },
      { href: '/cases/known-errors', label: 'Known errors', roles: readers },
      { href: '/cases/changes', label: 'Changes', roles: readers },
      { href: '/cases/service-transitions', label: 'Design and transition', roles: readers },
      { href: '/calendar', label: 'Change calendar', roles: readers },
      { href: '/standard-changes', label: 'Standard changes', roles: readers },
      { href: '/cases/releases', label: 'Releases', roles: readers },
      { href: '/cases/improvements', label: 'Improvements', roles: readers },
      { href: '/cases/complaints', label: 'Complaints', roles: readers },
      // 7.1, 6.1: the business relationship
      { href: '/relationship/customers', label: 'Customers', roles: readers },
      { href: '/cases/service-reviews', label: 'Service reviews', roles: readers },
      { href: '/cases/audit-findings', label: 'Audit findings', roles: readers },
    ],
  },
  {
    title: 'Configuration',
    items: [
      { href: '/cases/cis', label: 'Configuration items', roles: readers },
      { href: '/baselines', label: 'Baselines', roles: readers },
      { href: '/cases/services', label: 'Services', roles: readers },
      { href: '/cases/slas', label: 'SLAs', roles: readers },
      { href: '/cases/suppliers', label: 'Suppliers', roles: readers },
      // 6.3, 6.5: service owners' continuity, availability and capacity
      { href: '/continuity', label: 'Continuity and availability', roles: readers },
      { href: '/capacity', label: 'Capacity', roles: readers },
      // 6.6: information security
      { href: '/security', label: 'Information security', roles: readers },
      // 6.6.1: the security risk assessments at planned intervals
      { href: '/security/risk-assessments', label: 'Security risk assessments', roles: readers },
      // 6.4: finance writes; service owners, auditors and process owners read
      { href: '/finance', label: 'Budgets and costs', roles: readers },
    ],
  },
  {
    title: 'Management system',
    items: [
      { href: '/sms/documents', label: 'SMS documents', roles: readers },
      { href: '/sms/risks', label: 'Risk register', roles: readers },
      { href: '/sms/parties', label: 'Other parties', roles: readers },
      { href: '/sms/competence', label: 'Competence', roles: readers },
      // 4.1.3: a RACI per procedure and per SMS document
      { href: '/sms/raci', label: 'Responsibilities', roles: readers },
      // 4.5.4: the management system's own audits and reviews
      { href: '/sms/programme', label: 'Audit programme', roles: readers },
      { href: '/cases/internal-audits', label: 'Internal audits', roles: readers },
      { href: '/sms/reviews', label: 'Management reviews', roles: readers },
    ],
  },
  {
    title: 'Processes',
    items: [
      { href: '/processes', label: 'Processes', roles: ['process-owner', 'admin', 'auditor'] },
      { href: '/modeler', label: 'Modeler', roles: ['process-owner', 'admin'] },
      { href: '/forms', label: 'Forms', roles: ['process-owner', 'admin'] },
      { href: '/decisions', label: 'Decisions', roles: ['process-owner', 'admin'] },
    ],
  },
  {
    title: 'Audit',
    items: [
      { href: '/replay', label: 'Replay', roles: ['auditor', 'admin', 'process-owner'] },
      { href: '/evidence', label: 'Evidence', roles: ['auditor', 'admin'] },
      { href: '/reports', label: 'Reports', roles: ['auditor', 'admin', 'process-owner', 'staff'] },
      // ISO/IEC 20000-1:2011 clauses 4–9; the server lets staff in only when SMS managers
      { href: '/compliance', label: 'Compliance', roles: ['auditor', 'admin', 'staff'] },
      { href: '/compliance-gaps', label: 'Gaps', roles: ['admin', 'staff', 'auditor'] },
    ],
  },
  {
    title: 'Administration',
    items: [{ href: '/admin/users', label: 'Users & groups', roles: ['admin'] }],
  },
]

/** The navigation the user may see. */
export function navFor(user: User) {
  return navSections
    .map((s) => ({
      ...s,
      items: s.items.filter((i) => i.roles.some((r) => user.roles.includes(r))),
    }))
    .filter((s) => s.items.length > 0)
}

/** Roles a path needs (first matching prefix of the navigation); undefined = any user. */
export function rolesFor(path: string): readonly string[] | undefined {
  // customers open their own cases (the server returns 404 for anyone else's)
  if (/^\/cases\/(incidents|service-requests|complaints)\/[^/]+$/.test(path))
    return [...readers, 'customer']
  if (
    path.startsWith('/cases/') ||
    path.startsWith('/calendar') ||
    path.startsWith('/baselines') ||
    path.startsWith('/sms/')
  )
    return readers
  const all = navSections.flatMap((s) => s.items)
  const hit = all
    .filter((i) => path === i.href || path.startsWith(`${i.href}/`))
    .sort((a, b) => b.href.length - a.href.length)[0]
  return hit?.roles
}

/** Landing page per role, most operational first. */
const homes: [string, string][] = [
  ['staff', '/inbox'],
  ['process-owner', '/processes'],
  ['admin', '/processes'],
  ['auditor', '/replay'],
  ['customer', '/requests'],
]

/** Where a user lands after login. */
export function homeFor(user: User): string {
  return (
    homes.find(([role]) => user.roles.includes(role))?.[1] ?? navFor(user)[0]?.items[0]?.href ?? '/'
  )
}
