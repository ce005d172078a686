/**
 * The product in a child process for crash tests: `startServer` on a persisted PGlite folder
 * (`--data-dir`) or a PostgreSQL database (`--database-url`), with the embedded engine. With
 * `--crash-at <point>` the process SIGKILLs itself the first time it reaches that point between
 * the steps of a multi-step action (see `CrashPoint` in server/src/outbox/outbox.ts): no
 * shutdown, no flush, exactly as a killed server.
 *
 * It deploys the inbox triage fixture as the `incident` procedure (one user task for the
 * service desk), so a new incident gets a task, and prints one line
 * `READY {"url":…,"passwords":{…}}` when it listens (passwords only on the first start).
 * With `--camunda` its user task is a Camunda user task (`zeebe:userTask`, read and completed
 * through v2), else a job-worker user task.
 */
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { loadConfig } from '../../server/src/config'
import { createLogger } from '../../server/src/log'
import type { CrashPoint } from '../../server/src/outbox/outbox'
import { startServer } from '../../server/src/server'
import { fixture } from './triage'

async function main() {
  const { values } = parseArgs({
    options: {
      'data-dir': { type: 'string' },
      'database-url': { type: 'string' },
      'crash-at': { type: 'string' },
      camunda: { type: 'boolean' },
    },
  })
  const dataDir = values['data-dir'] ?? '/tmp/unused-by-crash-tests'
  const config = loadConfig({
    PORT: '0',
    ENGINE_PORT: '0',
    ENGINE_REST_PORT: '0',
    DATA_DIR: dataDir,
    DEPLOY_PROCESSES: 'false',
    LOG_LEVEL: 'info',
    ...(values['database-url'] ? { DATABASE_URL: values['database-url'] } : {}),
  })
  const crashAt = values['crash-at'] as CrashPoint | undefined
  const server = await startServer({
    config,
    log: createLogger('info', 'crash-child'),
    pgliteDir: join(dataDir, 'pglite'),
    checkpoint: (point) => {
      if (point === crashAt) {
        process.stdout.write(`CRASH ${point}\n`)
        process.kill(process.pid, 'SIGKILL')
      }
    },
  })
  await server.services.processes.deploy(
    [
      { name: 'inbox-triage-form.form', content: fixture('inbox-triage-form.form') },
      {
        name: 'incident.bpmn',
        content: Buffer.from(
          fixture('inbox-triage.bpmn')
            .toString('utf8')
            .replaceAll('"inbox-triage"', '"incident"')
            // the triage writes its summary and a status on the incident (record-updates.ts)
            .replace(
              '<zeebe:priorityDefinition priority="80" />',
              '<zeebe:priorityDefinition priority="80" /><zeebe:properties>' +
                '<zeebe:property name="record:category" value="summary" />' +
                '<zeebe:property name="record:status" value="triaged" /></zeebe:properties>',
            )
            .replace(
              '<zeebe:formDefinition formId="inbox-triage-form" />',
              values.camunda
                ? '<zeebe:userTask /><zeebe:formDefinition formId="inbox-triage-form" bindingType="deployment" />'
                : '<zeebe:formDefinition formId="inbox-triage-form" />',
            ),
        ),
      },
    ],
    { actor: 'admin' },
  )
  const passwords = Object.fromEntries(server.seededUsers.map((u) => [u.username, u.password]))
  process.stdout.write(`READY ${JSON.stringify({ url: server.url, passwords })}\n`)
  process.on('SIGTERM', () => {
    server.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    )
  })
}

main().catch((err: unknown) => {
  createLogger('error').fatal(err)
  process.exit(1)
})
