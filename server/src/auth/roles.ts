/** The roles of ISO/IEC 20000-1 (see iso20000-requirements.md, section 1). */
export const Role = {
  Admin: 'admin',
  ProcessOwner: 'process-owner',
  Staff: 'staff',
  Auditor: 'auditor',
  Customer: 'customer',
} as const
export type Role = (typeof Role)[keyof typeof Role]
export const allRoles: readonly Role[] = Object.values(Role)

/** The staff groups the procedures' user tasks name as candidate groups. */
export const StaffGroup = {
  ServiceDesk: 'service-desk',
  Network: 'network',
  ChangeManagers: 'change-managers',
  Cab: 'cab',
  ReleaseManagers: 'release-managers',
  ProblemManagers: 'problem-managers',
  SupplierManagers: 'supplier-managers',
  ImprovementManagers: 'improvement-managers',
  TopManagement: 'top-management',
  /**
   * The SMS manager and the management representative (4.1.4): SMS documents, risks,
   * competence, the audit programme and management reviews (4.5.4).
   */
  SmsManagers: 'sms-managers',
  /**
   * Internal auditors (4.5.4.2): staff who conduct internal audits and record their findings.
   * The group, not the read-only `auditor` role, is what lets a person write audit records.
   */
  InternalAuditors: 'internal-auditors',
  /**
   * Relationship managers (7.1): customers, complaints, satisfaction surveys and service reviews
   * with the customer (6.1). Created by migration 1050.
   */
  RelationshipManagers: 'relationship-managers',
  /**
   * Information security (6.6): handle security incidents and keep the controls register and the
   * register of external parties' access. Created by migration 1110.
   */
  InformationSecurity: 'information-security',
  /**
   * Finance (6.4): budgets per service and period, actual costs, apportionment rules; a budget is
   * approved by a member other than its author. Created by migration 1100.
   */
  Finance: 'finance',
} as const
export type StaffGroup = (typeof StaffGroup)[keyof typeof StaffGroup]
