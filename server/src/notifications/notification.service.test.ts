import { createServer, type Server, type Socket } from 'node:net'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDatabaseTargets, type TestDatabase } from '../../../test/support/databases'
import { seedDemoUsers } from '../seed/demo'
import { NotificationService } from './notification.service'

/** A minimal SMTP server that accepts everything and keeps what it received. */
function startSmtpServer(): Promise<{
  server: Server
  url: string
  mails: string[]
  auth: string[]
}> {
  const mails: string[] = []
  const auth: string[] = []
  const server = createServer((socket: Socket) => {
    let inData = false
    let data = ''
    let buffer = ''
    socket.write('220 test ESMTP\r\n')
    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8')
      if (inData) {
        const end = buffer.indexOf('\r\n.\r\n')
        if (end < 0) return
        data = buffer.slice(0, end)
        buffer = buffer.slice(end + 5)
        inData = false
        mails.push(data)
        socket.write('250 queued\r\n')
      }
      let i: number
      while (!inData && (i = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, i)
        buffer = buffer.slice(i + 2)
        if (line.startsWith('EHLO')) socket.write('250-test\r\n250 AUTH PLAIN\r\n')
        else if (line.startsWith('AUTH PLAIN')) {
          auth.push(Buffer.from(line.slice(11), 'base64').toString('utf8'))
          socket.write('235 ok\r\n')
        } else if (line === 'DATA') {
          inData = true
          socket.write('354 go\r\n')
        } else if (line === 'QUIT') socket.end('221 bye\r\n')
        else socket.write('250 ok\r\n')
      }
    })
  })
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo
      resolve({ server, url: `smtp://mailer:s%3Dcret@127.0.0.1:${port}`, mails, auth })
    }),
  )
}

describe.each(testDatabaseTargets())('notification outbox on $kind', (target) => {
  let testDb: TestDatabase
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>

  beforeAll(async () => {
    testDb = await target.open()
    await seedDemoUsers(testDb.database.db)
    await testDb.database.db
      .updateTable('users')
      .set({ email: 'tom@example.test' })
      .where('username', '=', 'topmgmt')
      .execute()
    smtp = await startSmtpServer()
  })
  afterAll(async () => {
    await new Promise((r) => smtp?.server.close(r))
    await testDb?.drop()
  })

  it('shows a notification in-app to its user and to members of its group, once per dedupe key', async () => {
    // given
    const notifications = new NotificationService({ db: testDb.database.db })
    // when
    const first = await notifications.enqueue({
      dedupeKey: 'k1',
      recipient: 'customer',
      template: 'incident-recorded',
      context: { caseKind: 'incident', caseId: 'INC-1', title: 'Mail down' },
    })
    const repeat = await notifications.enqueue({
      dedupeKey: 'k1',
      recipient: 'customer',
      template: 'incident-recorded',
      context: { caseKind: 'incident', caseId: 'INC-1', title: 'Mail down' },
    })
    await notifications.enqueue({
      dedupeKey: 'k2',
      recipientGroup: 'top-management',
      template: 'major-incident',
      context: { caseKind: 'incident', caseId: 'INC-1' },
    })
    // then
    expect(first.created).toBe(true)
    expect(repeat).toEqual({ notification: first.notification, created: false })
    expect(first.notification.subject).toBe('Your incident INC-1 is recorded')
    expect(first.notification.emailStatus).toBe('disabled')
    const customer = await notifications.listFor({ username: 'customer', groups: [] })
    expect(customer.map((n) => n.template)).toEqual(['incident-recorded'])
    const boss = await notifications.listFor({ username: 'boss', groups: ['top-management'] })
    expect(boss.map((n) => n.template)).toEqual(['major-incident'])
    // a user marks theirs read; someone else cannot
    await notifications.markRead(first.notification.id, { username: 'customer', groups: [] })
    expect(
      await notifications.listFor({ username: 'customer', groups: [] }, { unreadOnly: true }),
    ).toEqual([])
    await expect(
      notifications.markRead(first.notification.id, { username: 'customer2', groups: [] }),
    ).rejects.toThrow(/No notification/)
  })

  it('mails pending notifications through SMTP when configured (off when the URL is empty)', async () => {
    // given
    const notifications = new NotificationService({ db: testDb.database.db, smtpUrl: smtp.url })
    const { notification } = await notifications.enqueue({
      dedupeKey: 'mail-1',
      recipientGroup: 'top-management',
      template: 'major-incident',
      context: { caseKind: 'incident', caseId: 'INC-7', detail: 'Priority 1.' },
    })
    // when
    const sent = await notifications.deliverPending()
    // then
    expect(notification.emailStatus).toBe('pending')
    expect(sent).toBe(1)
    expect(smtp.auth).toEqual(['\0mailer\0s=cret'])
    expect(smtp.mails).toHaveLength(1)
    expect(smtp.mails[0]).toContain('To: tom@example.test')
    expect(smtp.mails[0]).toContain('Subject: Major incident INC-7')
    const [row] = await notifications.listForCase('incident', 'INC-7')
    expect(row?.emailStatus).toBe('sent')
    expect(await notifications.deliverPending()).toBe(0)
  })
})
