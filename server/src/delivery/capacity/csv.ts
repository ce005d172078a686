/**
 * CSV import of measured utilisation (ISO/IEC 20000-1 6.5): a header `requirementId,measuredAt,value`
 * (any order, case-insensitive) and one measurement per line. Every row is checked; any bad
 * row refuses the whole file with one error per row (row number as in the file, 1 = header), so
 * nothing is stored partly.
 */
import type { FieldError } from '../../errors'
import type { MeasurementInput } from './capacity-model'

/** At most this many rows a file. */
export const MAX_CSV_ROWS = 10_000
const columns = ['requirementid', 'measuredat', 'value'] as const
const REF = /^CAP-[0-9]{6,12}$/
const ISO = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?)?$/

/** Splits one line at commas, honouring "quoted, fields". */
export function cells(line: string): string[] {
  const out: string[] = []
  let cur = ''
  let quoted = false
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"'
        i++
      } else if (ch === '"') quoted = false
      else cur += ch
    } else if (ch === '"') quoted = true
    else if (ch === ',') {
      out.push(cur)
      cur = ''
    } else cur += ch
  }
  out.push(cur)
  return out.map((c) => c.trim())
}

/** Parses the file: the measurements, or the errors of every bad row. */
export function parseMeasurementsCsv(
  csv: string,
  known: ReadonlySet<string>,
): { rows: MeasurementInput[]; errors: FieldError[] } {
  const lines = csv.replace(/^\uFEFF/, '').split(/\r?\n/)
  while (lines.length && lines.at(-1)!.trim() === '') lines.pop()
  const errors: FieldError[] = []
  const header = cells(lines[0] ?? '').map((h) => h.toLowerCase())
  const index = columns.map((c) => header.indexOf(c))
  const missing = columns.filter((_, i) => index[i]! < 0)
  if (missing.length) {
    return {
      rows: [],
      errors: [
        {
          path: '/csv/row/1',
          message: `the header must name requirementId, measuredAt and value (missing: ${missing.join(', ')})`,
        },
      ],
    }
  }
  if (lines.length - 1 > MAX_CSV_ROWS) {
    return {
      rows: [],
      errors: [{ path: '/csv', message: `at most ${MAX_CSV_ROWS} rows a file` }],
    }
  }
  const rows: MeasurementInput[] = []
  for (let n = 1; n < lines.length; n++) {
    const line = lines[n]!
    const row = n + 1
    if (line.trim() === '') {
      errors.push({ path: `/csv/row/${row}`, message: 'row ' + row + ': empty line' })
      continue
    }
    const c = cells(line)
    const [id, at, raw] = index.map((i) => c[i!] ?? '')
    const problems: string[] = []
    if (c.length !== header.length)
      problems.push(`${c.length} cells, the header has ${header.length}`)
    if (!REF.test(id!)) problems.push(`requirementId "${id}" is not a reference like CAP-000001`)
    else if (!known.has(id!)) problems.push(`no capacity requirement ${id}`)
    const time = Date.parse(at!)
    if (!ISO.test(at!) || Number.isNaN(time))
      problems.push(`measuredAt "${at}" is not an ISO date-time`)
    const value = Number(raw)
    if (raw === '' || !Number.isFinite(value) || value < 0) {
      problems.push(`value "${raw}" is not a number of 0 or more`)
    }
    if (problems.length) {
      errors.push({ path: `/csv/row/${row}`, message: `row ${row}: ${problems.join('; ')}` })
    } else rows.push({ requirementId: id!, measuredAt: new Date(time).toISOString(), value })
  }
  if (!rows.length && !errors.length) {
    errors.push({ path: '/csv', message: 'the file has no measurements' })
  }
  return { rows, errors }
}
