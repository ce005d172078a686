/**
 * A minimal SMTP client (RFC 5321) for notification mails: plain `smtp://` or implicit TLS
 * `smtps://`, optional AUTH PLAIN from the URL's user info. Enough for a relay; no STARTTLS.
 */
import { connect as netConnect, type Socket } from 'node:net'
import { connect as tlsConnect } from 'node:tls'
import { hostname } from 'node:os'

export interface MailMessage {
  from: string
  to: string[]
  subject: string
  text: string
}

/** Reads SMTP replies (multi-line `250-…` continued until `250 …`). */
class ReplyReader {
  private buffer = ''
  private waiting: ((reply: { code: number; text: string }) => void)[] = []
  private lines: string[] = []
  private failure: Error | undefined

  constructor(socket: Socket) {
    socket.setEncoding('utf8')
    socket.on('data', (chunk: string) => {
      this.buffer += chunk
      let i: number
      while ((i = this.buffer.indexOf('\r\n')) >= 0) {
        const line = this.buffer.slice(0, i)
        this.buffer = this.buffer.slice(i + 2)
        this.lines.push(line)
        if (/^\d{3} /.test(line) || /^\d{3}$/.test(line)) {
          const text = this.lines.join('\n')
          this.lines = []
          this.waiting.shift()?.({ code: Number(line.slice(0, 3)), text })
        }
      }
    })
    socket.on('error', (err) => {
      this.failure = err
    })
  }

  next(timeoutMs: number): Promise<{ code: number; text: string }> {
    if (this.failure) return Promise.reject(this.failure)
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('SMTP server did not answer')), timeoutMs)
      this.waiting.push((r) => {
        clearTimeout(timer)
        resolve(r)
      })
    })
  }
}

const header = (s: string) => s.replace(/[\r\n]+/g, ' ')

/** Sends one mail through the server of `smtpUrl`. Rejects with the server's reply on failure. */
export async function sendMail(smtpUrl: string, message: MailMessage, timeoutMs = 10_000) {
  const url = new URL(smtpUrl)
  const secure = url.protocol === 'smtps:'
  if (!secure && url.protocol !== 'smtp:') throw new Error(`Unsupported mail URL ${url.protocol}`)
  const port = Number(url.port || (secure ? 465 : 25))
  const socket: Socket = await new Promise((resolve, reject) => {
    const s = secure
      ? tlsConnect({ host: url.hostname, port, servername: url.hostname }, () => resolve(s))
      : netConnect({ host: url.hostname, port }, () => resolve(s))
    s.once('error', reject)
  })
  const reader = new ReplyReader(socket)
  const expect = async (codes: number[], what: string) => {
    const reply = await reader.next(timeoutMs)
    if (!codes.includes(reply.code)) throw new Error(`SMTP ${what} refused: ${reply.text}`)
    return reply
  }
  const send = (line: string) => socket.write(`${line}\r\n`)
  try {
    await expect([220], 'greeting')
    send(`EHLO ${hostname() || 'localhost'}`)
    await expect([250], 'EHLO')
    if (url.username) {
      const plain = Buffer.from(
        `\0${decodeURIComponent(url.username)}\0${decodeURIComponent(url.password)}`,
      ).toString('base64')
      send(`AUTH PLAIN ${plain}`)
      await expect([235], 'AUTH')
    }
    send(`MAIL FROM:<${message.from}>`)
    await expect([250], 'MAIL FROM')
    for (const to of message.to) {
      send(`RCPT TO:<${to}>`)
      await expect([250, 251], 'RCPT TO')
    }
    send('DATA')
    await expect([354], 'DATA')
    const body = message.text.replace(/\r?\n/g, '\r\n').replace(/^\./gm, '..')
    socket.write(
      `From: ${header(message.from)}\r\nTo: ${message.to.map(header).join(', ')}\r\n` +
        `Subject: ${header(message.subject)}\r\nDate: ${new Date().toUTCString()}\r\n` +
        `MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${body}\r\n.\r\n`,
    )
    await expect([250], 'message')
    send('QUIT')
  } finally {
    socket.end()
  }
}
