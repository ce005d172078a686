/** The path an instance took, for the procedure tests that assert it element by element. */
import { fieldsOf } from '../../engine/state/records'
import type { Harness } from './harness'

/**
 * The flow nodes an instance completed (neither sequence flows nor the process itself), in the
 * order the engine completed them.
 */
export async function completedPath(h: Harness, instance: string): Promise<string[]> {
  const records = await h.engine.engine.readRecords({
    processInstanceKey: instance,
    valueTypes: ['PROCESS_INSTANCE'],
    limit: 100_000,
  })
  return records
    .filter((r) => r.intent === 'ELEMENT_COMPLETED')
    .filter((r) => !['SEQUENCE_FLOW', 'PROCESS'].includes(String(fieldsOf(r).bpmnElementType)))
    .map((r) => String(fieldsOf(r).elementId))
}
