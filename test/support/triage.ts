/**
 * The small triage procedure the inbox tests use (test/fixtures/inbox-triage.bpmn with its
 * form): deploy it, start a ticket, wait for its task in the inbox.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { TaskView } from '../../server/src/inbox/task-model'
import { repoRoot } from '../../server/src/server'
import { eventually, type ApiClient, type Harness } from './harness'

export const fixture = (name: string) => readFileSync(join(repoRoot, 'test', 'fixtures', name))

/** Deploys the triage process and its form as `admin`. */
export async function deployTriage(h: Harness) {
  return h.server.services.processes.deploy(
    [
      { name: 'inbox-triage-form.form', content: fixture('inbox-triage-form.form') },
      { name: 'inbox-triage.bpmn', content: fixture('inbox-triage.bpmn') },
    ],
    { actor: 'admin' },
  )
}

/** Starts a triage ticket for incident `caseId` and waits until `viewer` sees its task. */
export async function startTriage(h: Harness, viewer: ApiClient, caseId: string, title: string) {
  const started = await h.server.services.instances.start(
    'inbox-triage',
    { caseKind: 'incident', caseId, title },
    { caseKind: 'incident', caseId, actor: viewer.username },
  )
  const task = await eventually(
    async () => (await viewer.get<{ items: TaskView[] }>(`/tasks?caseId=${caseId}`)).body.items[0],
    15_000,
    `the task of ${caseId}`,
  )
  return { task, processInstanceKey: started.processInstanceKey }
}
