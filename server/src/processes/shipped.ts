/**
 * What a start deploys from `processes/` (DEPLOY_PROCESSES): the shipped BPMN and DMN files, but
 * a file that has not changed since it was last deployed from the repository gives way to the
 * latest version deployed through document control (ISO/IEC 20000-1 4.3.2). Otherwise every
 * restart would silently deploy the shipped file again over the approved change (Zeebe keeps a
 * resource only when it equals the latest version). A shipped file that did change (a product
 * upgrade) is deployed.
 */
import { createHash } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { DB } from '../db/schema'

const checksum = (b: Buffer | string) => createHash('sha256').update(b).digest('hex')

export async function shippedOrApproved(
  db: Kysely<DB>,
  files: { name: string; content: Buffer }[],
  actor: string,
): Promise<{ name: string; content: Buffer }[]> {
  const out: { name: string; content: Buffer }[] = []
  for (const f of files) {
    const table = f.name.endsWith('.bpmn')
      ? ('process_versions' as const)
      : f.name.endsWith('.dmn')
        ? ('decision_requirements_versions' as const)
        : null
    if (!table) {
      out.push(f)
      continue
    }
    const lastShipped = await db
      .selectFrom(table)
      .select(['checksum'])
      .where('resource_name', '=', f.name)
      .where('deployed_by', '=', actor)
      .orderBy('version', 'desc')
      .executeTakeFirst()
    const latest = await db
      .selectFrom(table)
      .select(['xml'])
      .where('resource_name', '=', f.name)
      .orderBy('version', 'desc')
      .executeTakeFirst()
    const unchanged = lastShipped?.checksum === checksum(f.content)
    out.push(unchanged && latest ? { name: f.name, content: Buffer.from(latest.xml) } : f)
  }
  return out
}
