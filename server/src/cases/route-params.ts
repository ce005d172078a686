/** Path parameters and the acting user, as every record route reads them. */
import type { Request } from 'express'
import { sessionOf } from '../auth/auth.middleware'
import { NotFoundError } from '../errors'
import { int4IdSchema, paramsValidator } from '../http/validation'
import type { Actor } from './access'

/** The session user, who acts. */
export const actorOf = (req: Request): Actor => sessionOf(req).user

/** Route ids look like INC-000123; anything else cannot exist (404). */
export const idOf = (req: Request, name = 'id'): string => {
  const id = String(req.params[name] ?? '')
  if (!/^[A-Z]{2,4}-\d{6,}$/.test(id)) throw new NotFoundError(`No record ${id}.`)
  return id
}

/** Numeric path parameters: `serial` row ids of attachments and relations. */
export const rowIdParams = { attachmentId: int4IdSchema, relationId: int4IdSchema } as const
type RowIdParam = keyof typeof rowIdParams
const rowIdValidators = Object.fromEntries(
  Object.entries(rowIdParams).map(([name, schema]) => [
    name,
    paramsValidator<Record<string, number>>({
      type: 'object',
      properties: { [name]: schema },
      required: [name],
    }),
  ]),
) as Record<RowIdParam, (params: unknown) => Record<string, number>>

/** A numeric path parameter, validated (400 otherwise). */
export const numberOf = (req: Request, name: RowIdParam): number =>
  rowIdValidators[name](req.params)[name]!
