/**
 * The record updates the procedures declare (`record:` extension properties of user tasks, see
 * processes/README.md) fit the record kind their procedure drives and the form of their task
 * (ISO/IEC 20000-1 4.3.3, 8.1 d): a case field the kind does not have, or a form field the task's
 * form does not hold, would lose a decision, so the diagram is wrong.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { processOfKind, type CaseKind } from '../../server/src/cases/kinds'
import {
  recordMappingOf,
  recordMappingProblems,
  recordPatch,
} from '../../server/src/cases/record-updates'
import { UserError } from '../../server/src/errors'
import { formToJsonSchema } from '../../server/src/forms/form-schema'
import { readFormSync } from '../../server/src/forms/load-forms'
import { describeBpmn } from '../../server/src/processes/bpmn'
import { formsDir, repoRoot } from '../../server/src/paths'

const kindOfProcess = Object.fromEntries(
  Object.entries(processOfKind).map(([kind, processId]) => [processId, kind as CaseKind]),
)
const files = readdirSync(join(repoRoot, 'processes')).filter((f) => f.endsWith('.bpmn'))

describe('record updates declared in the procedures', () => {
  it.each(files)('%s: every record: property names a field of the case and of the task form', async (file) => {
    const info = await describeBpmn(readFileSync(join(repoRoot, 'processes', file), 'utf8'))
    const problems: string[] = []
    for (const p of info.processes) {
      for (const el of Object.values(p.elements)) {
        const mapping = recordMappingOf(el.properties)
        if (!mapping) continue
        const kind = kindOfProcess[p.id]
        if (!kind) {
          problems.push(`${el.id}: ${p.id} drives no record kind`)
          continue
        }
        problems.push(...recordMappingProblems(kind, mapping).map((m) => `${el.id}: ${m}`))
        if (el.type !== 'UserTask' || !el.formId) {
          problems.push(`${el.id}: record updates belong on user tasks with a linked form`)
          continue
        }
        const formFields = Object.keys(
          formToJsonSchema(readFormSync(formsDir, el.formId)).properties ?? {},
        )
        for (const { target, source } of mapping.fields) {
          if (!formFields.includes(source)) {
            problems.push(`${el.id}: record:${target}: form ${el.formId} has no field ${source}`)
          }
        }
      }
    }
    expect(problems).toEqual([])
  })

  it('the incident procedure declares the classification, diagnosis, resolution and statuses', async () => {
    const info = await describeBpmn(readFileSync(join(repoRoot, 'processes', 'incident.bpmn'), 'utf8'))
    const el = info.processes[0]!.elements
    expect(recordMappingOf(el.Task_ClassifyIncident!.properties)).toMatchObject({
      status: 'classified',
      fields: expect.arrayContaining([
        { target: 'serviceId', source: 'serviceId' },
        { target: 'ciId', source: 'ciId' },
        { target: 'assignedGroup', source: 'assignedGroup' },
        { target: 'category', source: 'category' },
      ]),
    })
    expect(recordMappingOf(el.Task_ResolveIncident!.properties)?.status).toBe('resolved')
  })

  it('a mapping to a field the kind does not have is a 400 naming it; nothing is written', () => {
    const mapping = { fields: [{ target: 'noSuchField', source: 'x' }], status: 'Not A Word' }
    expect(recordMappingProblems('incident', mapping)).toEqual([
      'record:noSuchField: incidents have no field "noSuchField"',
      'record:status: "Not A Word" is not a lower-case word',
    ])
    expect(() => recordPatch('incident', mapping, { x: 1 })).toThrow(UserError)
  })

  it('splits typed fields from data, leaves out fields the submission lacks and clears empty ones', () => {
    const patch = recordPatch(
      'incident',
      {
        fields: [
          { target: 'serviceId', source: 'serviceId' },
          { target: 'ciId', source: 'ciId' },
          { target: 'category', source: 'category' },
          { target: 'diagnosis', source: 'diagnosis' },
        ],
        status: 'classified',
      },
      { serviceId: 'SVC-000001', ciId: '', category: 'network' },
    )
    expect(patch).toEqual({
      fields: { serviceId: 'SVC-000001', ciId: null, data: { category: 'network' } },
      status: 'classified',
      sources: { serviceId: 'serviceId', ciId: 'ciId', category: 'category' },
    })
  })
})
