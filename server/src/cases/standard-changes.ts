/**
 * The standard change catalogue (ISO/IEC 20000-1 9.2: standard changes are defined and
 * pre-authorised). A model enters the register only through the normal change procedure: a
 * change proposes it (an edit of kind `standard-change-model`, see `change-record-edits.ts`),
 * the CAB approves that change, and its implementation step makes the model active. Each model
 * has its own tasks, risk and scope (CIs and services); a standard change picks one and is
 * refused when it does not fit.
 */
import type { Kysely } from 'kysely'
import type { DB } from '../db/schema'
import { iso } from '../db/timestamps'

/** Status of a model in the register. */
export const ModelStatus = { Active: 'active', Retired: 'retired' } as const
export type ModelStatus = (typeof ModelStatus)[keyof typeof ModelStatus]

/** A standard change model of the register. */
export interface StandardChangeModel {
  id: string
  name: string
  description: string
  /** The risk assessed once, when the model was approved; recorded on every change using it. */
  risk: string
  /** The model's own tasks (its pre-approved work instruction), recorded on every change. */
  tasks: string[]
  /** CIs a change of this model may touch. */
  ciIds: string[]
  /** Services a change of this model may touch. */
  serviceIds: string[]
  status: ModelStatus
  /** Grows with every approved revision. */
  version: number
  /** The change whose approval and implementation made this version. */
  approvedByChange: string
  createdAt: string
  updatedAt: string
}

const ids = { type: 'array', maxItems: 200, items: { type: 'string', minLength: 1, maxLength: 40 } }

/**
 * What a change proposes for a model: a new one (all of name, risk, tasks and a scope) or a
 * revision of an existing one (any of them, or `status: retired`).
 */
export const modelPatchSchema = {
  type: 'object',
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 200 },
    description: { type: 'string', maxLength: 20_000 },
    risk: { type: 'string', minLength: 1, maxLength: 20_000 },
    tasks: {
      type: 'array',
      minItems: 1,
      maxItems: 100,
      items: { type: 'string', minLength: 1, maxLength: 1000 },
    },
    ciIds: ids,
    serviceIds: ids,
    status: { enum: [ModelStatus.Active, ModelStatus.Retired] },
  },
  minProperties: 1,
  additionalProperties: false,
} as const

/** The fields of {@link modelPatchSchema}. */
export interface ModelPatch {
  name?: string
  description?: string
  risk?: string
  tasks?: string[]
  ciIds?: string[]
  serviceIds?: string[]
  status?: ModelStatus
}

const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []

type ModelRow = {
  id: string
  name: string
  description: string
  risk: string
  tasks: unknown
  ci_ids: unknown
  service_ids: unknown
  status: string
  version: number
  approved_by_change: string
  created_at: Date | string
  updated_at: Date | string
}

/** A row of `standard_change_models` as the API shows it. */
export function toModel(r: ModelRow): StandardChangeModel {
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    risk: r.risk,
    tasks: strings(r.tasks),
    ciIds: strings(r.ci_ids),
    serviceIds: strings(r.service_ids),
    status: r.status === ModelStatus.Retired ? ModelStatus.Retired : ModelStatus.Active,
    version: Number(r.version),
    approvedByChange: r.approved_by_change,
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
  }
}

/** The model `id`, or undefined. */
export async function findModel(
  db: Kysely<DB>,
  id: string,
): Promise<StandardChangeModel | undefined> {
  const row = await db
    .selectFrom('standard_change_models')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst()
  return row ? toModel(row) : undefined
}

/** Every model of the register, active first. */
export async function listModels(db: Kysely<DB>): Promise<StandardChangeModel[]> {
  const rows = await db
    .selectFrom('standard_change_models')
    .selectAll()
    .orderBy('status')
    .orderBy('id')
    .execute()
  return rows.map(toModel)
}

/** The parts of a change a standard change model is checked against. */
export interface StandardChangeCandidate {
  ciId?: unknown
  serviceId?: unknown
  data: Record<string, unknown>
}

/** Whether a change fits the model it picked, and why not. */
export type ModelFit =
  | { fits: true; model: StandardChangeModel }
  | { fits: false; reason: string; model?: StandardChangeModel }

/**
 * 9.2: a standard change fits when it picks an active model of the register
 * (`data.standardChangeModelId`), names at least one CI or service it changes, and every CI
 * (`ciId`, `data.affectedCis`) and service (`serviceId`) it names is in the model's scope.
 */
export async function fitOfStandardChange(
  db: Kysely<DB>,
  change: StandardChangeCandidate,
): Promise<ModelFit> {
  const modelId = change.data.standardChangeModelId
  if (typeof modelId !== 'string' || !modelId) {
    return {
      fits: false,
      reason:
        'a standard change must pick a model of the standard change catalogue (data.standardChangeModelId; GET /api/standard-change-models)',
    }
  }
  const model = await findModel(db, modelId)
  if (!model) return { fits: false, reason: `there is no standard change model ${modelId}` }
  if (model.status !== ModelStatus.Active) {
    return { fits: false, model, reason: `the standard change model ${modelId} is ${model.status}` }
  }
  const cis = [
    ...new Set([
      ...(typeof change.ciId === 'string' ? [change.ciId] : []),
      ...strings(change.data.affectedCis),
    ]),
  ]
  const services = typeof change.serviceId === 'string' ? [change.serviceId] : []
  if (!cis.length && !services.length) {
    return {
      fits: false,
      model,
      reason: `a standard change names the CIs or services it changes, within the scope of ${modelId}`,
    }
  }
  const outside = [
    ...cis.filter((c) => !model.ciIds.includes(c)).map((c) => `CI ${c}`),
    ...services.filter((s) => !model.serviceIds.includes(s)).map((s) => `service ${s}`),
  ]
  if (outside.length) {
    return {
      fits: false,
      model,
      reason: `${outside.join(', ')} ${outside.length > 1 ? 'are' : 'is'} outside the scope of the standard change model ${modelId} (${model.name}); raise a normal change instead`,
    }
  }
  return { fits: true, model }
}
