/**
 * Call activity binding types (Zeebe's CallActivityProcessor; docs "Choosing the resource binding
 * type"): `latest`, `deployment` and `versionTag`, their CALLED_ELEMENT_ERROR incidents, and the
 * process's `zeebe:versionTag` on PROCESS and DEPLOYMENT records and in the deployment result.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { testDatabaseTargets, type TestDatabase } from '../../test/support/databases'
import { TestClock } from '../clock'
import type { Engine } from '../engine'
import {
  bpmn,
  chain,
  completedPath,
  completeOne,
  expectReplayMatches,
  freshEngine,
  serviceTask,
} from '../test-support'
import { fieldsOf } from '../state/records'

/** A called process `child` whose only task has job type `jobType`, with a version tag. */
function child(jobType: string, versionTag?: string): Buffer {
  const doc = bpmn(
    'child',
    `<bpmn:startEvent id="cStart" />${serviceTask('cTask', jobType)}<bpmn:endEvent id="cEnd" />${chain('cStart', 'cTask', 'cEnd')}`,
  ).toString()
  if (!versionTag) return Buffer.from(doc)
  return Buffer.from(
    doc.replace(
      '<bpmn:process id="child" isExecutable="true">',
      `<bpmn:process id="child" isExecutable="true"><bpmn:extensionElements><zeebe:versionTag value="${versionTag}" /></bpmn:extensionElements>`,
    ),
  )
}

/** A calling process `id` with a call activity of the given binding. */
function parent(id: string, binding: string): Buffer {
  return bpmn(
    id,
    `<bpmn:startEvent id="start" />
     <bpmn:callActivity id="call"><bpmn:extensionElements><zeebe:calledElement processId="child" ${binding} /></bpmn:extensionElements></bpmn:callActivity>
     <bpmn:endEvent id="end" />${chain('start', 'call', 'end')}`,
  )
}

describe.each(testDatabaseTargets())('call activity binding types on $kind', (target) => {
  let db: TestDatabase
  let engine: Engine
  const clock = new TestClock()

  beforeAll(async () => {
    db = await target.open()
  })
  afterAll(async () => {
    await db.drop()
  })
  afterEach(async () => {
    await expectReplayMatches(engine, db.database.sql)
    await engine.close()
  })
  const open = async () => (engine = await freshEngine(db.database.sql, clock))

  /** Runs the parent to its end; returns the job type the called instance's task had. */
  async function run(e: Engine, bpmnProcessId: string): Promise<string> {
    const pi = await e.createProcessInstance({ bpmnProcessId })
    const jobs = Object.values(e.state.jobs)
    expect(jobs).toHaveLength(1)
    const type = String(jobs[0]!.value.type)
    await completeOne(e, type)
    expect(await completedPath(e, pi.processInstanceKey)).toEqual([
      'start',
      'call',
      'end',
      bpmnProcessId,
    ])
    return type
  }

  it('calls the latest version, the one deployed together, or the one with the version tag', async () => {
    const e = await open()
    // Deployment 1: child v1 (tag v1.0) with the deployment-bound parent.
    const d1 = await e.deployResources([
      { name: 'child.bpmn', content: child('v1-work', 'v1.0') },
      { name: 'byDeployment.bpmn', content: parent('byDeployment', 'bindingType="deployment"') },
    ])
    expect(d1.processes.find((p) => p.bpmnProcessId === 'child')).toMatchObject({
      version: 1,
      versionTag: 'v1.0',
    })
    // Deployment 2: child v2 (tag v2.0) alone.
    await e.deployResources([{ name: 'child.bpmn', content: child('v2-work', 'v2.0') }])
    // Deployment 3: child v3 re-tagged v1.0 — the tag now points to it.
    await e.deployResources([{ name: 'child.bpmn', content: child('v3-work', 'v1.0') }])
    await e.deployResources([
      { name: 'latest.bpmn', content: parent('latest', '') },
      {
        name: 'byTag.bpmn',
        content: parent('byTag', 'bindingType="versionTag" versionTag="v2.0"'),
      },
      {
        name: 'byRetag.bpmn',
        content: parent('byRetag', 'bindingType="versionTag" versionTag="v1.0"'),
      },
    ])
    expect(await run(e, 'latest')).toBe('v3-work')
    expect(await run(e, 'byDeployment')).toBe('v1-work')
    expect(await run(e, 'byTag')).toBe('v2-work')
    expect(await run(e, 'byRetag')).toBe('v3-work')
    // PROCESS and DEPLOYMENT records carry the version tag.
    const processRecords = await e.readRecords({ valueTypes: ['PROCESS'] })
    expect(
      processRecords
        .filter((r) => fieldsOf(r).bpmnProcessId === 'child')
        .map((r) => [fieldsOf(r).version, fieldsOf(r).versionTag]),
    ).toEqual([
      [1, 'v1.0'],
      [2, 'v2.0'],
      [3, 'v1.0'],
    ])
    expect(
      fieldsOf(processRecords.find((r) => fieldsOf(r).bpmnProcessId === 'latest')!).versionTag,
    ).toBe('')
    const [deployment] = await e.readRecords({ valueTypes: ['DEPLOYMENT'] })
    expect(fieldsOf(deployment!).processesMetadata).toMatchObject([
      { bpmnProcessId: 'child', versionTag: 'v1.0' },
      { bpmnProcessId: 'byDeployment' },
    ])
  })

  it('raises CALLED_ELEMENT_ERROR with Zeebe’s messages when nothing matches the binding', async () => {
    const e = await open()
    const d = await e.deployResources([
      { name: 'byDeployment.bpmn', content: parent('byDeployment', 'bindingType="deployment"') },
      {
        name: 'byTag.bpmn',
        content: parent('byTag', 'bindingType="versionTag" versionTag="v9"'),
      },
    ])
    await e.deployResources([{ name: 'child.bpmn', content: child('work', 'v1') }])
    const incidentOf = async (bpmnProcessId: string) => {
      const pi = await e.createProcessInstance({ bpmnProcessId })
      const incident = Object.values(e.state.incidents).find(
        (i) => String(i.value.processInstanceKey) === pi.processInstanceKey,
      )
      return { pi, incident: incident! }
    }
    const byDeployment = await incidentOf('byDeployment')
    expect(byDeployment.incident.value).toMatchObject({
      errorType: 'CALLED_ELEMENT_ERROR',
      elementId: 'call',
      errorMessage: `Expected to call process with BPMN process id 'child' with binding type 'deployment', but no such process found in the deployment with key ${d.key} which contained the current process. To resolve this incident, migrate the process instance to a process definition that is deployed together with the intended process definition to call.`,
    })
    const byTag = await incidentOf('byTag')
    expect(byTag.incident.value).toMatchObject({
      errorType: 'CALLED_ELEMENT_ERROR',
      errorMessage:
        "Expected to call process with BPMN process id 'child' and version tag 'v9', but no such process found. To resolve this incident, deploy a process with the given process id and version tag.",
    })
    // Deploying the tagged version and resolving the incident calls it.
    await e.deployResources([{ name: 'child.bpmn', content: child('tagged-work', 'v9') }])
    await e.resolveIncident(String(byTag.incident.key))
    await completeOne(e, 'tagged-work')
    expect(await completedPath(e, byTag.pi.processInstanceKey)).toEqual([
      'start',
      'call',
      'end',
      'byTag',
    ])
    await e.cancelProcessInstance(byDeployment.pi.processInstanceKey)
  })

  it('versions an unchanged resource again when deployed with a changed one', async () => {
    const e = await open()
    await e.deployResources([
      { name: 'child.bpmn', content: child('work') },
      { name: 'byDeployment.bpmn', content: parent('byDeployment', 'bindingType="deployment"') },
    ])
    // The parent changes, the child does not: Zeebe versions both (all resources of a
    // deployment are versioned together), so the deployment binding finds the child.
    const again = await e.deployResources([
      { name: 'child.bpmn', content: child('work') },
      {
        name: 'byDeployment.bpmn',
        content: Buffer.from(
          parent('byDeployment', 'bindingType="deployment"')
            .toString()
            .replace('<bpmn:endEvent id="end" />', '<bpmn:endEvent id="end" name="Done" />'),
        ),
      },
    ])
    expect(again.processes.map((p) => [p.bpmnProcessId, p.version])).toEqual([
      ['child', 2],
      ['byDeployment', 2],
    ])
    // Deploying exactly the same resources again creates nothing new.
    const same = await e.deployResources([{ name: 'child.bpmn', content: child('work') }])
    expect(same.processes.map((p) => [p.bpmnProcessId, p.version])).toEqual([['child', 2]])
    expect(await run(e, 'byDeployment')).toBe('work')
  })

  it('rejects an unknown binding type and a versionTag binding without a tag', async () => {
    const e = await open()
    const message = (binding: string) =>
      e.deployResources([{ name: 'bad.bpmn', content: parent('bad', binding) }]).then(
        () => '',
        (err: unknown) => (err as Error).message,
      )
    expect(await message('bindingType="newest"')).toContain(
      "- Element: call\n    - ERROR: Attribute 'bindingType' must be one of: latest, deployment, versionTag",
    )
    expect(await message('bindingType="versionTag"')).toContain(
      "Attribute 'versionTag' must be present and not empty",
    )
  })
})
