/**
 * Runs the migrations of `migrations/` in name order. The list is static (no file-system scan)
 * so it works the same under tsx, vitest and a bundled build.
 */
import { Migrator, type Kysely, type Migration } from 'kysely'
import * as m0001 from './migrations/0001-identity'
import * as m0002 from './migrations/0002-cases'
import * as m0003 from './migrations/0003-evidence'
import * as m0100 from './migrations/0100-inbox-processes'
import * as m0200 from './migrations/0200-workers'
import * as m0300 from './migrations/0300-inbox-query'
import * as m0400 from './migrations/0400-draft-forms'
import * as m0500 from './migrations/0500-evidence-integrity'
import * as m0510 from './migrations/0510-outbox'
import * as m0700 from './migrations/0700-decisions'
import * as m0800 from './migrations/0800-case-status-history'
import * as m0900 from './migrations/0900-activity'
import * as m0910 from './migrations/0910-taskctx-task-segregation'
import * as m0930 from './migrations/0930-sec-login-throttle'
import * as m0940 from './migrations/0940-controls-change-control'
import * as m0950 from './migrations/0950-reports'
import * as m0960 from './migrations/0960-camunda-user-tasks'
import * as m0970 from './migrations/0970-v2-history'
import * as m1010 from './migrations/1010-sms-documents-risks'
import * as m1020 from './migrations/1020-sms-audit-review'
import * as m1030 from './migrations/1030-internal-auditors-group'
import * as m1040 from './migrations/1040-controlled-documents'
import * as m1050 from './migrations/1050-customer-relationship'
import * as m1060 from './migrations/1060-continuity-capacity'
import * as m1080 from './migrations/1080-major-incident-steps'
import * as m1100 from './migrations/1100-budgeting-accounting'
import * as m1110 from './migrations/1110-information-security'
import * as m1130 from './migrations/1130-draft-control'
import * as m1140 from './migrations/1140-contract-document-in-force'
import * as m1160 from './migrations/1160-sla-clock-pauses'
import * as m1190 from './migrations/1190-security-risk-assessment'
import * as m1191 from './migrations/1191-budget-approval'
import * as m1220 from './migrations/1220-inbox-segregation-check'

/** Every migration, by name. Add new ones at the end; never edit a released one. */
export const migrations: Record<string, Migration> = {
  '0001-identity': m0001,
  '0002-cases': m0002,
  '0003-evidence': m0003,
  '0100-inbox-processes': m0100,
  '0200-workers': m0200,
  '0300-inbox-query': m0300,
  '0400-draft-forms': m0400,
  '0500-evidence-integrity': m0500,
  '0510-outbox': m0510,
  '0700-decisions': m0700,
  '0800-case-status-history': m0800,
  '0900-activity': m0900,
  '0910-taskctx-task-segregation': m0910,
  '0930-sec-login-throttle': m0930,
  '0940-controls-change-control': m0940,
  '0950-reports': m0950,
  '0960-camunda-user-tasks': m0960,
  '0970-v2-history': m0970,
  '1010-sms-documents-risks': m1010,
  '1020-sms-audit-review': m1020,
  '1030-internal-auditors-group': m1030,
  '1040-controlled-documents': m1040,
  '1050-customer-relationship': m1050,
  '1060-continuity-capacity': m1060,
  '1080-major-incident-steps': m1080,
  '1100-budgeting-accounting': m1100,
  '1110-information-security': m1110,
  '1130-draft-control': m1130,
  '1140-contract-document-in-force': m1140,
  '1160-sla-clock-pauses': m1160,
  '1190-security-risk-assessment': m1190,
  '1191-budget-approval': m1191,
  '1220-inbox-segregation-check': m1220,
}

export async function migrateToLatest<T>(db: Kysely<T>): Promise<void> {
  const migrator = new Migrator({
    db: db as unknown as Kysely<unknown>,
    provider: { getMigrations: async () => migrations },
  })
  const { error, results } = await migrator.migrateToLatest()
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')
    throw new Error(
      `Database migration ${failed?.migrationName ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    )
  }
}
