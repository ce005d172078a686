/**
 * Starts the whole product in one process: database (PGlite or a server), the embedded engine
 * unless a Zeebe address is configured, the official Zeebe client, and the HTTP API serving the
 * built client. `main.ts` calls it for `npm start`; integration tests call it directly.
 */
import { zeebeDecisionEvaluator } from './workers/decisions'
import { randomBytes } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Express } from 'express'
import { join } from 'node:path'
import { systemClock, type Clock } from '../../engine/clock'
import { startEngine, type RunningEngine } from '../../engine/index'
import { sessionMiddleware } from './auth/auth.middleware'
import { authRoutes } from './auth/auth.routes'
import { usersRoutes } from './auth/users.routes'
import { SessionStore } from './auth/sessions'
import { orgTimeZone, type Config } from './config'
import { openDatabase, pgliteDirOf, type Database } from './db/database'
import { formsDir, repoRoot } from './paths'
import { createApp } from './http/app'
import { startEventLoopMonitor } from './http/event-loop'
import { healthRoutes } from './http/health.routes'
import { createLogger, type Logger } from './log'
import { AuditTrail } from './evidence/audit-trail'
import { anchorFileOf } from './evidence/anchor-file'
import { loadSigningKey } from './evidence/signing-key'
import { historyRoutes } from './history/history.routes'
import {
  ActivityService,
  CaseService,
  CatalogueService,
  CmdbService,
  activityRoutes,
  casesRoutes,
} from './cases/index'
import { changeCalendarRoutes } from './cases/change-calendar.routes'
import { isCaseKind } from './cases/kinds'
import { recordPatch } from './cases/record-updates'
import { UserError } from './errors'
import { evidenceRoutes } from './evidence/evidence.routes'
import { openapiRoutes } from './http/openapi'
import { seedCatalogue } from './seed/catalogue'
import { HistoryService } from './history/history.service'
import { InstancesService } from './history/instances.service'
import { CamundaRest, type UserTaskApi } from './camunda/camunda-rest'
import { startRetention } from './history/retention'
import { tasksRoutes } from './inbox/tasks.routes'
import { TasksService } from './inbox/tasks.service'
import { ProcessVersions } from './processes/process-version-info'
import { startOverdueEscalation } from './inbox/overdue.escalation'
import { INBOX_WORKER, startUserTaskIntake } from './inbox/user-task.intake'
import { startCamundaTaskIntake, type RunningCamundaIntake } from './inbox/camunda-task.intake'
import { releaseUnstoredActivations } from './inbox/intake-recovery'
import type { Checkpoint } from './outbox/outbox'
import { startReconciler, type Reconciler } from './outbox/reconciler'
import { processesRoutes } from './processes/processes.routes'
import { InstanceMigration } from './processes/instance-migration'
import { migrationRoutes } from './processes/migration.routes'
import { v2MigrationEngine } from './processes/migration-engine'
import { decisionsRoutes } from './processes/decisions.routes'
import { ProcessesService } from './processes/processes.service'
import { EventBus } from './realtime/bus'
import { startRealtime } from './realtime/socket'
import { seedDemoUsers, type SeededUser } from './seed/demo'
import { createZeebeClient, plaintextAddress, type ZeebeClient } from './zeebe/zeebe-client'
import { NotificationService } from './notifications/notification.service'
import { notificationsRoutes } from './notifications/notifications.routes'
import { auditRoutes, reviewRoutes, ReviewActionsService, seedSmsAudit } from './sms'
import { createDeliveryServices, deliveryRoutes, type DeliveryServices } from './delivery'
import { seedDelivery } from './delivery/seed'
import { createSecurityServices, securityRoutes, type SecurityServices } from './security'
import { seedSecurity } from './security/seed'
import { BudgetApprovalService, FinanceService, financeRoutes, seedFinance } from './finance'
import { defaultWorkerSettings, startWorkers, type WorkerSettings } from './workers/index'
import { zeebeMessagePublisher } from './workers/start-workers'
import { ReportsService, reportsRoutes, startReportScheduler } from './reports/index'
import {
  createSmsServices,
  smsRoutes,
  startSmsReviewReminders,
  type SmsServices,
} from './sms/index'
import { seedSecurityIncident } from './seed/security-incident'
import { seedServiceTransition } from './seed/service-transition'
import { seedSms } from './seed/sms'
import { seedControlledDocuments } from './seed/controlled-documents'
import {
  createRelationshipServices,
  relationshipRoutes,
  seedRelationship,
  startSatisfactionSurveys,
  type RelationshipServices,
} from './relationship/index'
import { ComplianceService, complianceRoutes } from './compliance'

export { repoRoot } from './paths'

export interface StartOptions {
  config: Config
  log?: Logger
  /** PGlite folder override, e.g. `memory://` in tests. Default `<DATA_DIR>/pglite`. */
  pgliteDir?: string
  /** A dumped PGlite data directory an in-memory database starts from (tests: migrated once). */
  pgliteTemplate?: Blob
  /**
   * The time source of the embedded engine, the job workers and the overdue escalation. Tests
   * pass a `TestClock` and move it to fire timers; the default is the wall clock.
   */
  clock?: Clock
  /** Overrides of the job workers' settings (trend threshold, confirmation period, …). */
  workerSettings?: Partial<WorkerSettings>
  /** How often idle job workers poll, ms (tests shorten it). */
  workerPollIntervalMs?: number
  /**
   * Called between the steps of every multi-step action (see `CrashPoint`). Crash tests pass a
   * hook that kills the process at a chosen point; production passes none.
   */
  checkpoint?: Checkpoint
  /** Between reconciler passes, ms (default 30 s). */
  reconcileEveryMs?: number
  /**
   * How long the Camunda user-task intake polls fast after a nudge, ms (default 2 s; 0 = never,
   * for `bench/user-task-latency.ts` to measure without).
   */
  camundaIntakeFastForMs?: number
}

export interface RunningServer {
  readonly url: string
  /** The express application (its router stack lists every route, e.g. for the fuzz test). */
  readonly app: Express
  readonly database: Database
  readonly zeebe: ZeebeClient
  /** The embedded engine, when one was started. */
  readonly engine?: RunningEngine
  /** Demo users created by this start (empty on later starts). */
  readonly seededUsers: SeededUser[]
  /** Services tests reach into (the same instances the routes use). */
  readonly services: {
    bus: EventBus
    audit: AuditTrail
    processes: ProcessesService
    instances: InstancesService
    tasks: TasksService
    intake: ReturnType<typeof startUserTaskIntake>
    /** The intake of Camunda user tasks (absent without a v2 REST API). */
    camundaIntake?: RunningCamundaIntake
    /** The v2 user-task API the inbox drives (absent without a v2 REST API). */
    userTasks?: UserTaskApi
    escalation: ReturnType<typeof startOverdueEscalation>
    cases: CaseService
    cmdb: CmdbService
    catalogue: CatalogueService
    notifications: NotificationService
    reconciler: Reconciler
    /** Live updates; `sweep()` drops sockets whose session ended (tests call it). */
    realtime: { sweep(): Promise<number> }
    reports: ReportsService
    reportScheduler: ReturnType<typeof startReportScheduler>
    /** The management system's registers (clause 4). */
    sms: SmsServices
    smsReviewReminders: ReturnType<typeof startSmsReviewReminders>
    /** Customers, surveys and service review actions (7.1, 6.1). */
    relationship: RelationshipServices
    satisfactionSurveys: ReturnType<typeof startSatisfactionSurveys>
    /** The compliance matrix (requirements catalogue and its links). */
    compliance: ComplianceService
    delivery: DeliveryServices
    /** Information security (6.6): controls, external parties' access, security incidents. */
    security: SecurityServices
    /** Budgets, costs and apportionment (6.4). */
    finance: FinanceService
  }
  stop(): Promise<void>
}

export async function startServer({
  config,
  log = createLogger(config.LOG_LEVEL),
  pgliteDir,
  pgliteTemplate,
  clock = systemClock,
  workerSettings,
  workerPollIntervalMs,
  checkpoint,
  reconcileEveryMs,
  camundaIntakeFastForMs,
}: StartOptions): Promise<RunningServer> {
  const database = await openDatabase({
    databaseUrl: config.DATABASE_URL,
    pgliteDir: pgliteDir ?? pgliteDirOf(config.DATA_DIR),
    ...(pgliteTemplate ? { pgliteTemplate } : {}),
    pgliteWorker: config.PGLITE_WORKER,
  })
  const cleanup: (() => Promise<void>)[] = [() => database.close()]
  try {
    let engine: RunningEngine | undefined
    let address = config.ZEEBE_GRPC_ADDRESS
    let zeebeAuth: Pick<Config, 'ZEEBE_AUTH_STRATEGY' | 'ZEEBE_BEARER_TOKEN'> = config
    if (!address) {
      // the embedded gateway serves only callers holding this start's random token: another
      // local process cannot bypass the app's authorisation and evidence through it
      zeebeAuth = {
        ZEEBE_AUTH_STRATEGY: 'BEARER',
        ZEEBE_BEARER_TOKEN: randomBytes(32).toString('base64url'),
      }
      engine = await startEngine({
        sql: database.sql,
        token: zeebeAuth.ZEEBE_BEARER_TOKEN,
        port: config.ENGINE_PORT,
        restPort: config.ENGINE_REST_PORT,
        clock,
        // one line when its record log goes down (a database outage) and one when it recovers
        logger: { warn: (m) => log.warn(m), info: (m) => log.info(m) },
      })
      cleanup.unshift(() => engine!.stop())
      address = plaintextAddress(engine.address)
      log.info(
        `embedded engine listening on ${engine.address} (REST API v2 on ${engine.restUrl}/v2)`,
      )
    }
    const { zeebe } = createZeebeClient({ ...config, ...zeebeAuth }, address)
    cleanup.unshift(async () => {
      await zeebe.close()
    })

    const seededUsers = config.SEED_DEMO_DATA ? await seedDemoUsers(database.db) : []
    const sessions = new SessionStore(database.db, config.SESSION_TTL_HOURS * 3600_000)

    // Procedures, instances, inbox and history (ISO/IEC 20000-1 4.3.2, 4.3.3, 8.1).
    const bus = new EventBus()
    // The evidence trail's checkpoints are signed with a key kept outside the database; the
    // anchor file outlives the process only with the database (not for an in-memory one).
    const throwaway = !config.DATABASE_URL && (pgliteDir ?? '').startsWith('memory://')
    const audit = new AuditTrail(database.db, {
      signer: loadSigningKey({
        configured: config.EVIDENCE_SIGNING_KEY,
        dataDir: config.DATA_DIR,
        log,
      }),
      anchorFile: throwaway ? undefined : anchorFileOf(config.DATA_DIR),
      checkpointEvery: config.EVIDENCE_CHECKPOINT_ENTRIES,
      checkpointIntervalMs: config.EVIDENCE_CHECKPOINT_MINUTES * 60_000,
      log,
    })
    await audit.start()
    // stops after everything that appends (those stop first) and before the database closes
    cleanup.unshift(() => audit.stop())
    // One v2 client (Camunda 8.8's Orchestration Cluster REST API): the embedded engine's,
    // behind the same random token, or the cluster's (CAMUNDA_REST_ADDRESS, required with
    // ZEEBE_GRPC_ADDRESS) with the gRPC client's authentication. Histories, instance tracking
    // and crash recovery read its searches; the inbox drives Camunda user tasks and
    // administrators migrate running instances through it.
    const restAddress = engine ? engine.restUrl : config.CAMUNDA_REST_ADDRESS
    const camunda = new CamundaRest({
      address: restAddress ?? '',
      auth: { ...config, ...zeebeAuth },
    })
    // which names, forms and declarations each deployed version has: parsed once, for the
    // inbox, the history and migration alike
    const versions = new ProcessVersions(database.db)
    // the embedded engine's projection folds records every 200 ms (engine/README.md)
    const lagMs = engine ? 2_000 : config.CAMUNDA_SEARCH_LAG_MS
    const processes = new ProcessesService({
      db: database.db,
      zeebe,
      audit,
      formsDir,
      processesDir: join(repoRoot, 'processes'),
    })
    if (config.DEPLOY_PROCESSES) {
      const deployed = await processes.deployDirectory(join(repoRoot, 'processes'))
      log.info(
        `processes deployed: ${deployed.map((d) => `${d.bpmnProcessId} v${d.version}`).join(', ') || 'none'}`,
      )
    }
    const migration = new InstanceMigration({
      db: database.db,
      engine: restAddress ? v2MigrationEngine(camunda) : undefined,
      audit,
      getVersion: (id, version) => processes.getVersion(id, version),
      versions,
    })
    // the Camunda user-task intake polls fast for a moment after what usually creates a user
    // task (set once the intake runs, below)
    let nudgeIntake = () => {}
    let runReconciler = async () => {}
    const instances = new InstancesService({
      db: database.db,
      zeebe,
      audit,
      camunda,
      lagMs,
      log,
      checkpoint,
      onStarted: () => nudgeIntake(),
    })
    await instances.follow()
    cleanup.unshift(async () => {
      instances.stop()
      await instances.settled()
    })
    // Camunda user tasks only with a v2 address (else they stay out of the inbox, below)
    const userTasks: UserTaskApi | undefined = restAddress ? camunda : undefined
    const tasks = new TasksService({
      db: database.db,
      bus,
      jobs: zeebe,
      userTasks,
      audit,
      versions,
      jobHistory: instances,
      log,
      checkpoint,
      // the task view shows its case as the user may see it (cases is built below)
      recordDecision: (tx, d) => {
        if (!isCaseKind(d.caseKind)) {
          throw new UserError(`The task's case kind "${d.caseKind}" is unknown.`)
        }
        return cases.applyTaskDecision(
          d.caseKind,
          d.caseId,
          recordPatch(d.caseKind, d.mapping, d.data),
          d.actor,
          tx,
          {
            taskId: d.task.id,
            elementId: d.task.elementId,
            processInstanceKey: d.task.processInstanceKey,
          },
        )
      },
      caseContext: async (kind, id, user) => {
        if (!isCaseKind(kind)) return null
        try {
          return (await cases.get(kind, id, user)) as unknown as Record<string, unknown>
        } catch {
          return null
        }
      },
    })
    // user-task jobs a killed process activated but never stored go back to the engine before
    // the inbox worker starts, so it activates them again at once (not after their lock)
    const releaseUnstored = () =>
      releaseUnstoredActivations({
        db: database.db,
        camunda,
        zeebe,
        workerName: INBOX_WORKER,
        log,
      })
    // an unreachable REST API does not stop the start: the reconciler tries again
    const releasedAtStart = await releaseUnstored().catch((err: unknown) => {
      log.warn('handing back unstored user-task jobs failed; the reconciler retries', err)
      return 0
    })
    const intake = startUserTaskIntake({ zeebe, tasks, log, checkpoint })
    cleanup.unshift(() => intake.stop())
    const camundaIntake = userTasks
      ? startCamundaTaskIntake({
          api: userTasks,
          tasks,
          log,
          now: () => clock.now(),
          settleMs: lagMs,
          checkpoint,
          // completions that waited for the v2 API (e.g. at start) go out when it answers
          onReachable: () => void runReconciler(),
          ...(camundaIntakeFastForMs !== undefined ? { fastForMs: camundaIntakeFastForMs } : {}),
        })
      : undefined
    if (camundaIntake) {
      cleanup.unshift(() => camundaIntake.stop())
      nudgeIntake = () => camundaIntake.nudge()
      // a completed task usually makes the engine create the next one
      const unsubscribe = bus.subscribe((e) => {
        if (e.type === 'task.completed') nudgeIntake()
      })
      cleanup.unshift(async () => unsubscribe())
    } else
      log.warn('no v2 REST API (CAMUNDA_REST_ADDRESS): Camunda user tasks stay out of the inbox')
    const history = new HistoryService({
      db: database.db,
      camunda,
      timeZone: orgTimeZone(config),
      evidence: audit,
      versions,
    })
    // Case data, CMDB and catalogue (8.x, 9.1, 6.1, 7.2); procedures start via `instances`.
    const cases = new CaseService({
      db: database.db,
      audit,
      bus,
      processStarter: instances,
      log,
      checkpoint,
      now: () => new Date(clock.now()),
    })
    // one activity stream per case: work notes and replies (8.1, 7.1)
    const activity = new ActivityService({ db: database.db, audit, bus, cases })
    const cmdb = new CmdbService({ db: database.db, audit })
    const catalogue = new CatalogueService({
      db: database.db,
      audit,
      now: () => new Date(clock.now()),
    })
    if (config.SEED_DEMO_DATA) await seedCatalogue({ db: database.db, cases, cmdb, catalogue })
    // design and transition of a changed service (clause 5): a past one, reported
    if (config.SEED_DEMO_DATA) {
      await seedServiceTransition({ db: database.db, audit, now: () => new Date(clock.now()) })
    }
    // internal audit and management review (4.5.4): review actions, a demo year
    const reviewActions = new ReviewActionsService({
      db: database.db,
      audit,
      now: () => new Date(clock.now()),
    })
    if (config.SEED_DEMO_DATA) {
      await seedSmsAudit({ db: database.db, audit, now: new Date(clock.now()) })
    }
    // Job workers and the notification outbox: the automated steps of the procedures (issue 5).
    const notifications = new NotificationService({
      db: database.db,
      smtpUrl: config.SMTP_URL,
      bus,
      log,
    })
    // the service management system's registers (clause 4): documents, risks, parties, competence
    const sms = createSmsServices({
      db: database.db,
      audit,
      notifications,
      now: () => new Date(clock.now()),
    })
    // continuity and availability (6.3), capacity (6.5)
    const delivery = createDeliveryServices({
      db: database.db,
      audit,
      cases,
      now: () => new Date(clock.now()),
    })
    if (config.SEED_DEMO_DATA) {
      await seedSms({ db: database.db, audit, notifications, now: () => new Date(clock.now()) })
      // SLAs, catalogue, contracts, change and release policy, priority matrix (4.3.2)
      await seedControlledDocuments({
        db: database.db,
        audit,
        notifications,
        now: () => new Date(clock.now()),
      })
      // demo data of 6.3 and 6.5: a failure here must not keep the server from starting
      await seedDelivery({
        db: database.db,
        audit,
        sms,
        delivery,
        now: () => new Date(clock.now()),
      }).catch((err: unknown) => log.error('demo data of continuity and capacity failed', err))
    }
    // information security (6.6)
    const security = createSecurityServices({
      db: database.db,
      audit,
      notifications,
      now: () => new Date(clock.now()),
    })
    if (config.SEED_DEMO_DATA) {
      await seedSecurity({
        db: database.db,
        sms,
        security,
        now: () => new Date(clock.now()),
      }).catch((err: unknown) => log.error('demo data of information security failed', err))
      // a handled security incident (6.6.3), for the register and its trends
      await seedSecurityIncident({
        db: database.db,
        audit,
        now: () => new Date(clock.now()),
      }).catch((err: unknown) => log.error('demo security incident failed', err))
    }
    // budgeting and accounting for services (6.4)
    const finance = new FinanceService({
      db: database.db,
      audit,
      cases,
      now: () => new Date(clock.now()),
    })
    // 6.4 budget approval through budget-approval.bpmn
    const budgetApproval = new BudgetApprovalService({
      db: database.db,
      audit,
      finance,
      messages: zeebeMessagePublisher(zeebe),
      now: () => new Date(clock.now()),
    })
    if (config.SEED_DEMO_DATA) {
      await seedFinance({ db: database.db, finance, now: () => new Date(clock.now()) }).catch(
        (err: unknown) => log.error('demo data of budgeting and accounting failed', err),
      )
    }
    // the business relationship (7.1, 6.1): customers, surveys, service review actions
    const relationshipDeps = {
      db: database.db,
      audit,
      notifications,
      now: () => new Date(clock.now()),
    }
    const relationship = createRelationshipServices(relationshipDeps)
    if (config.SEED_DEMO_DATA) await seedRelationship(relationshipDeps)
    // the compliance matrix, gaps and audit pack (ISO/IEC 20000-1:2011 clauses 4–9); the management
    // review reads its gaps (4.5.4.3 b)
    const compliance = new ComplianceService({
      db: database.db,
      repoRoot,
      verify: () => audit.verify(),
    })

    const jobWorkers = startWorkers({
      zeebe,
      log,
      onJobDone: () => nudgeIntake(),
      ...(workerPollIntervalMs !== undefined ? { pollIntervalMs: workerPollIntervalMs } : {}),
      deps: {
        db: database.db,
        cases,
        cmdb,
        catalogue,
        notifications,
        messages: zeebeMessagePublisher(zeebe),
        decisions: zeebeDecisionEvaluator(zeebe),
        risks: sms.risks,
        delivery,
        security,
        finance: { budgetApproval },
        settings: {
          ...defaultWorkerSettings,
          managementReviewIntervalDays: config.MANAGEMENT_REVIEW_INTERVAL_DAYS,
          riskAppetiteScore: config.RISK_APPETITE_SCORE,
          ...workerSettings,
        },
        log,
        now: () => new Date(clock.now()),
        sms: { reviewActions, audit, matrix: (period) => compliance.matrix(period) },
        relationship: { reviewActions: relationship.reviewActions },
      },
    })
    cleanup.unshift(() => jobWorkers.close())
    const stopMail = notifications.startMailDelivery()
    cleanup.unshift(async () => stopMail())
    // every human step past its due date is escalated, whatever the diagram says (8.1)
    const escalation = startOverdueEscalation({
      db: database.db,
      notifier: notifications,
      audit,
      log,
      now: () => clock.now(),
    })
    cleanup.unshift(() => escalation.stop())
    // finishes what a crash left half done, now and every 30 s (issue: crash consistency)
    let releasedUncounted = releasedAtStart
    const reconciler = startReconciler({
      log,
      everyMs: reconcileEveryMs,
      steps: {
        adoptStrandedCases: () => cases.adoptStrandedCases(),
        deliverStarts: () => cases.starts!.deliverDue(),
        adoptStrandedTasks: () => tasks.completions.adoptStranded(),
        deliverCompletions: () => tasks.completions.deliverDue(),
        releaseUnstoredActivations: async () => {
          const n = releasedUncounted + (await releaseUnstored())
          releasedUncounted = 0
          return n
        },
        fillEvidenceGaps: () => tasks.completions.fillEvidenceGaps(),
      },
    })
    cleanup.unshift(() => reconciler.stop())
    runReconciler = async () => {
      await reconciler.runOnce().catch((err: unknown) => log.warn('reconciler pass failed', err))
    }
    const retention = startRetention({
      db: database.db,
      audit,
      log,
      days: config.WORKING_DATA_RETENTION_DAYS,
    })
    cleanup.unshift(() => retention.stop())
    // service reports (6.2): stored snapshots, monthly ones run by the due-check
    const reports = new ReportsService({ db: database.db, audit, now: () => new Date(clock.now()) })
    const reportScheduler = startReportScheduler({ reports, log })
    cleanup.unshift(() => reportScheduler.stop())
    const smsReviewReminders = startSmsReviewReminders({ documents: sms.documents, log })
    cleanup.unshift(() => smsReviewReminders.stop())
    const satisfactionSurveys = startSatisfactionSurveys({ surveys: relationship.surveys, log })
    cleanup.unshift(() => satisfactionSurveys.stop())

    const eventLoop = startEventLoopMonitor({ log, thresholdMs: config.EVENT_LOOP_LAG_WARN_MS })
    cleanup.unshift(async () => eventLoop.stop())

    const app = createApp({
      log,
      clientDist: join(repoRoot, 'client', 'dist'),
      trustProxy: config.TRUST_PROXY,
      apiRouters: [
        healthRoutes({
          database,
          zeebe,
          engine: {
            embedded: !!engine,
            address,
            ...(engine ? { status: () => engine!.engine.status } : {}),
          },
          workers: jobWorkers,
          reconciler,
          eventLoop,
        }),
        sessionMiddleware(sessions),
        authRoutes({
          db: database.db,
          sessions,
          cookieSecure: config.COOKIE_SECURE,
          loginLimit: config.LOGIN_MAX_FAILURES,
        }),
        usersRoutes({ db: database.db, audit }),
        processesRoutes({ processes, db: database.db, bus }),
        migrationRoutes({ migration, bus }),
        decisionsRoutes({ processes }),
        tasksRoutes({ tasks, db: database.db }),
        historyRoutes({ history, instances }),
        openapiRoutes(),
        changeCalendarRoutes({ db: database.db }),
        casesRoutes({
          cases,
          activity,
          cmdb,
          catalogue,
          messages: zeebeMessagePublisher(zeebe),
          now: () => new Date(clock.now()),
        }),
        activityRoutes({ activity, task: (user, id) => tasks.get(user, id) }),
        evidenceRoutes({
          audit,
          byRequirement: (id, q) => compliance.listEvidence(id, q),
        }),
        notificationsRoutes({ notifications }),
        reportsRoutes({ reports }),
        smsRoutes(sms, { db: database.db, now: () => new Date(clock.now()) }),
        relationshipRoutes(relationship),
        auditRoutes({ db: database.db, audit, now: () => new Date(clock.now()) }),
        reviewRoutes({
          reviewActions,
          db: database.db,
          now: () => new Date(clock.now()),
          riskAppetite: config.RISK_APPETITE_SCORE,
          matrix: (period) => compliance.matrix(period),
        }),
        complianceRoutes({ compliance, now: () => new Date(clock.now()) }),
        deliveryRoutes(delivery, zeebeMessagePublisher(zeebe)),
        securityRoutes(security, {
          db: database.db,
          sms,
          now: () => new Date(clock.now()),
        }),
        financeRoutes(finance, budgetApproval),
      ],
    })
    const http: Server = createServer(app)
    const realtime = startRealtime({ http, sessions, bus, log })
    cleanup.unshift(() => realtime.close())
    await new Promise<void>((resolveListen, reject) => {
      http.once('error', reject)
      http.listen(config.PORT, config.HOST, () => resolveListen())
    })
    cleanup.unshift(
      () =>
        new Promise<void>((r) => {
          http.close(() => r())
          http.closeAllConnections()
        }),
    )
    const { port } = http.address() as AddressInfo
    const url =
      config.PUBLIC_URL || `http://${config.HOST === '0.0.0.0' ? 'localhost' : config.HOST}:${port}`
    return {
      url,
      app,
      database,
      zeebe,
      engine,
      seededUsers,
      services: {
        bus,
        audit,
        processes,
        instances,
        tasks,
        intake,
        ...(camundaIntake ? { camundaIntake } : {}),
        ...(userTasks ? { userTasks } : {}),
        escalation,
        cases,
        cmdb,
        catalogue,
        notifications,
        reconciler,
        realtime,
        reports,
        reportScheduler,
        sms,
        smsReviewReminders,
        relationship,
        satisfactionSurveys,
        compliance,
        delivery,
        security,
        finance,
      },
      stop: () => runAll(cleanup),
    }
  } catch (err) {
    await runAll(cleanup)
    throw err
  }
}

async function runAll(steps: (() => Promise<void>)[]) {
  for (const step of steps.splice(0)) {
    try {
      await step()
    } catch {
      // shutting down: one failing step must not keep the others from running
    }
  }
}
