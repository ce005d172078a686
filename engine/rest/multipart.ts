/**
 * A small multipart/form-data reader (RFC 7578) for `POST /v2/deployments`: the parts of a
 * fully read body, each with its field name, file name and bytes. Deployments are a few files of
 * at most MAX_BODY_BYTES together, so the body is parsed in memory.
 */
import { RestProblem } from './types'

/** One part of a multipart body. */
export interface MultipartPart {
  /** The form field name (`resources`, `tenantId`). */
  name: string
  /** The file name, when the part is a file. */
  filename?: string
  content: Buffer
}

function boundaryOf(contentType: string): string {
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType)
  const boundary = m?.[1] ?? m?.[2]
  if (!boundary) {
    throw new RestProblem(400, 'Bad Request', 'Failed to parse multipart servlet request')
  }
  return boundary
}

function parseHeaders(text: string): { name?: string; filename?: string } {
  const disposition = text
    .split('\r\n')
    .find((line) => line.toLowerCase().startsWith('content-disposition:'))
  if (!disposition) return {}
  const param = (key: string) => {
    const m = new RegExp(`[;\\s]${key}="((?:[^"\\\\]|\\\\.)*)"`, 'i').exec(disposition)
    if (m) return m[1]!.replace(/\\(.)/g, '$1')
    const bare = new RegExp(`[;\\s]${key}=([^;\\s]+)`, 'i').exec(disposition)
    return bare?.[1]
  }
  const star = /[;\s]filename\*=(?:UTF-8|utf-8)''([^;\s]+)/.exec(disposition)
  const filename = star ? decodeURIComponent(star[1]!) : param('filename')
  return { name: param('name'), ...(filename !== undefined ? { filename } : {}) }
}

/** The parts of a multipart/form-data body; a malformed body is a 400 problem. */
export function parseMultipart(body: Buffer, contentType: string): MultipartPart[] {
  const delimiter = Buffer.from(`--${boundaryOf(contentType)}`)
  const parts: MultipartPart[] = []
  let at = body.indexOf(delimiter)
  if (at < 0) throw new RestProblem(400, 'Bad Request', 'Failed to parse multipart servlet request')
  for (;;) {
    at += delimiter.length
    // `--` after a delimiter ends the body
    if (body[at] === 0x2d && body[at + 1] === 0x2d) break
    const headersStart = body.indexOf('\r\n', at) + 2
    const headersEnd = body.indexOf('\r\n\r\n', headersStart)
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), headersEnd)
    if (headersStart < 2 || headersEnd < 0 || next < 0) {
      throw new RestProblem(400, 'Bad Request', 'Failed to parse multipart servlet request')
    }
    const headers = parseHeaders(body.subarray(headersStart, headersEnd).toString('utf8'))
    if (headers.name !== undefined) {
      parts.push({
        name: headers.name,
        ...(headers.filename !== undefined ? { filename: headers.filename } : {}),
        content: body.subarray(headersEnd + 4, next),
      })
    }
    at = next + 2
  }
  return parts
}
