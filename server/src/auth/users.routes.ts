/**
 * `/api/users` and `/api/groups`: administrators manage accounts, roles and group membership
 * (who may act on which tasks); staff may list groups and a group's members (to assign tasks).
 * Every change is evidence (4.3.3); passwords are generated on the server and shown once.
 */
import { Router, type Request } from 'express'
import { sql, type Kysely } from 'kysely'
import type { DB } from '../db/schema'
import { ConflictError, NotFoundError, UserError } from '../errors'
import { openapi } from '../http/openapi'
import { bodyValidator, int4IdSchema, paramsValidator } from '../http/validation'
import { writeWithEvidence, type AuditSink } from '../evidence/audit-sink'
import { requireRole, sessionOf } from './auth.middleware'
import { generatePassword, hashPassword } from './password'
import { passwordProblems } from './password-policy'
import { allRoles, Role, StaffGroup } from './roles'
import { competenceWarnings } from '../sms/competence/competence.service'

const groupsOfUser = {
  type: 'array',
  maxItems: 50,
  items: {
    type: 'object',
    properties: {
      id: { type: 'string', minLength: 1, maxLength: 100 },
      isLead: { type: 'boolean' },
    },
    required: ['id'],
    additionalProperties: false,
  },
} as const
const rolesSchema = {
  type: 'array',
  minItems: 1,
  uniqueItems: true,
  items: { enum: [...allRoles] },
} as const
const passwordSchema = { type: 'string', minLength: 12, maxLength: 200 } as const

interface UserBody {
  username: string
  displayName: string
  email?: string | null
  roles: Role[]
  groups?: { id: string; isLead?: boolean }[]
  password?: string
}
const createUserBody = {
  type: 'object',
  properties: {
    username: { type: 'string', pattern: '^[a-z][a-z0-9._-]{1,49}$' },
    displayName: { type: 'string', minLength: 1, maxLength: 200 },
    email: { type: ['string', 'null'], format: 'email', maxLength: 200 },
    roles: rolesSchema,
    groups: groupsOfUser,
    password: passwordSchema,
  },
  required: ['username', 'displayName', 'roles'],
  additionalProperties: false,
} as const
const validateCreateUser = bodyValidator<UserBody>(createUserBody)

type UserPatch = Partial<Omit<UserBody, 'username'>> & { active?: boolean }
const patchUserBody = {
  type: 'object',
  properties: {
    displayName: createUserBody.properties.displayName,
    email: createUserBody.properties.email,
    roles: rolesSchema,
    groups: groupsOfUser,
    password: passwordSchema,
    active: { type: 'boolean' },
  },
  minProperties: 1,
  additionalProperties: false,
} as const
const validatePatchUser = bodyValidator<UserPatch>(patchUserBody)

const createGroupBody = {
  type: 'object',
  properties: {
    id: { type: 'string', pattern: '^[a-z][a-z0-9-]{1,49}$' },
    name: { type: 'string', minLength: 1, maxLength: 200 },
    description: { type: 'string', maxLength: 2000 },
  },
  required: ['id', 'name'],
  additionalProperties: false,
} as const
const validateCreateGroup = bodyValidator<{ id: string; name: string; description?: string }>(
  createGroupBody,
)

/** Throws a 400 naming why a chosen password is refused (see `password-policy.ts`). */
function refuseWeakPassword(password: string | undefined, context: string[]): void {
  if (password === undefined) return
  const problems = passwordProblems(password, context)
  if (problems.length) {
    throw new UserError(
      'The password is too easy to guess.',
      problems.map((message) => ({ path: '/password', message })),
    )
  }
}

export interface UsersRoutesDeps {
  db: Kysely<DB>
  audit: AuditSink
}

async function userView(db: Kysely<DB>, id: number) {
  const u = await db
    .selectFrom('users')
    .select(['id', 'username', 'display_name', 'email', 'roles', 'active', 'created_at'])
    .where('id', '=', id)
    .executeTakeFirst()
  if (!u) throw new NotFoundError(`No user ${id}.`)
  const groups = await db
    .selectFrom('user_groups')
    .select(['group_id', 'is_lead'])
    .where('user_id', '=', id)
    .orderBy('group_id')
    .execute()
  return {
    id: u.id,
    username: u.username,
    displayName: u.display_name,
    email: u.email,
    roles: u.roles,
    active: u.active,
    createdAt: new Date(u.created_at).toISOString(),
    groups: groups.map((g) => ({ id: g.group_id, isLead: g.is_lead })),
  }
}

/** `:id` of `/users/:id`: a `serial` row id. */
const userParams = { id: int4IdSchema }
const validateUserParams = paramsValidator<{ id: number }>({
  type: 'object',
  properties: userParams,
  required: ['id'],
})
const idParam = (req: Request) => validateUserParams(req.params).id

export function usersRoutes({ db, audit }: UsersRoutesDeps): Router {
  const r = Router()

  const checkGroups = async (groups: { id: string }[] | undefined) => {
    if (!groups?.length) return
    const known = await db
      .selectFrom('groups')
      .select('id')
      .where(
        'id',
        'in',
        groups.map((g) => g.id),
      )
      .execute()
    const missing = groups.filter((g) => !known.some((k) => k.id === g.id))
    if (missing.length) {
      throw new UserError(
        'Unknown groups.',
        missing.map((g) => ({ path: '/groups', message: `no group ${g.id}` })),
      )
    }
  }

  /**
   * 4.4.2: someone made a group lead or a CAB member is checked against the competences those
   * roles require; gaps come back as warnings in the answer (the assignment still happens).
   */
  const warningsFor = (
    username: string,
    groups: { id: string; isLead?: boolean }[] | undefined,
  ) => {
    const checked = (groups ?? []).filter((g) => g.isLead || g.id === StaffGroup.Cab)
    return checked.length
      ? competenceWarnings(db, username, checked, new Date().toISOString().slice(0, 10))
      : Promise.resolve([])
  }

  r.get('/users', requireRole(Role.Admin, Role.Auditor), async (_req, res) => {
    const users = await db.selectFrom('users').select('id').orderBy('username').execute()
    res.json(await Promise.all(users.map((u) => userView(db, u.id))))
  })
  r.get('/users/:id', requireRole(Role.Admin, Role.Auditor), async (req, res) => {
    res.json(await userView(db, idParam(req)))
  })

  r.post('/users', requireRole(Role.Admin), async (req, res) => {
    const body = validateCreateUser(req.body)
    refuseWeakPassword(body.password, [body.username, body.displayName])
    await checkGroups(body.groups)
    const exists = await db
      .selectFrom('users')
      .select('id')
      .where('username', '=', body.username)
      .executeTakeFirst()
    if (exists) throw new ConflictError(`The username ${body.username} is taken.`)
    const password = body.password ?? generatePassword()
    const view = await writeWithEvidence(db, audit, async (tx) => {
      const u = await tx
        .insertInto('users')
        .values({
          username: body.username,
          display_name: body.displayName,
          email: body.email ?? null,
          password_hash: await hashPassword(password),
          roles: body.roles,
        })
        // two requests for one new username: the second finds it taken here
        .onConflict((oc) => oc.column('username').doNothing())
        .returning('id')
        .executeTakeFirst()
      if (!u) throw new ConflictError(`The username ${body.username} is taken.`)
      for (const g of body.groups ?? []) {
        await tx
          .insertInto('user_groups')
          .values({ user_id: u.id, group_id: g.id, is_lead: g.isLead ?? false })
          .execute()
      }
      const created = await userView(tx, u.id)
      return {
        result: created,
        evidence: {
          actor: sessionOf(req).user.username,
          action: 'user.created',
          entityType: 'user',
          entityId: body.username,
          after: created,
        },
      }
    })
    // the password is shown once, to the administrator who created the account
    const competenceGaps = await warningsFor(body.username, body.groups)
    res.status(201).json({
      ...view,
      ...(body.password ? {} : { password }),
      ...(competenceGaps.length ? { competenceWarnings: competenceGaps } : {}),
    })
  })

  r.patch('/users/:id', requireRole(Role.Admin), async (req, res) => {
    const id = idParam(req)
    const body = validatePatchUser(req.body)
    const before = await userView(db, id)
    refuseWeakPassword(body.password, [
      before.username,
      before.displayName,
      body.displayName ?? before.displayName,
    ])
    const me = sessionOf(req).user
    if (me.id === id && (body.active === false || (body.roles && !body.roles.includes('admin')))) {
      throw new ConflictError('You cannot deactivate yourself or take away your own admin role.')
    }
    await checkGroups(body.groups)
    const after = await writeWithEvidence(db, audit, async (tx) => {
      const set: Record<string, unknown> = {}
      if (body.displayName !== undefined) set.display_name = body.displayName
      if (body.email !== undefined) set.email = body.email
      if (body.roles) set.roles = body.roles
      if (body.active !== undefined) set.active = body.active
      if (body.password) set.password_hash = await hashPassword(body.password)
      if (Object.keys(set).length)
        await tx.updateTable('users').set(set).where('id', '=', id).execute()
      if (body.groups) {
        await tx.deleteFrom('user_groups').where('user_id', '=', id).execute()
        for (const g of body.groups) {
          await tx
            .insertInto('user_groups')
            .values({ user_id: id, group_id: g.id, is_lead: g.isLead ?? false })
            .execute()
        }
      }
      // a deactivated account or a new password ends every session of that user
      if (body.active === false || body.password) {
        await tx.deleteFrom('sessions').where('user_id', '=', id).execute()
      }
      const updated = await userView(tx, id)
      return {
        result: updated,
        evidence: {
          actor: me.username,
          action: body.password ? 'user.updated-with-password' : 'user.updated',
          entityType: 'user',
          entityId: updated.username,
          before,
          after: updated,
        },
      }
    })
    const competenceGaps = await warningsFor(after.username, body.groups)
    res.json(competenceGaps.length ? { ...after, competenceWarnings: competenceGaps } : after)
  })

  r.get(
    '/groups',
    requireRole(Role.Admin, Role.Staff, Role.Auditor, Role.ProcessOwner),
    async (_req, res) => {
      const rows = await db
        .selectFrom('groups')
        .leftJoin('user_groups', 'user_groups.group_id', 'groups.id')
        .select([
          'groups.id',
          'groups.name',
          'groups.description',
          sql<string>`count(user_groups.user_id)::text`.as('members'),
        ])
        .groupBy(['groups.id', 'groups.name', 'groups.description'])
        .orderBy('groups.id')
        .execute()
      res.json(rows.map((g) => ({ ...g, members: Number(g.members) })))
    },
  )
  r.get(
    '/groups/:id/members',
    requireRole(Role.Admin, Role.Staff, Role.Auditor),
    async (req, res) => {
      const id = String(req.params.id)
      const group = await db
        .selectFrom('groups')
        .select('id')
        .where('id', '=', id)
        .executeTakeFirst()
      if (!group) throw new NotFoundError(`No group ${id}.`)
      const members = await db
        .selectFrom('user_groups')
        .innerJoin('users', 'users.id', 'user_groups.user_id')
        .select(['users.username', 'users.display_name', 'user_groups.is_lead'])
        .where('user_groups.group_id', '=', id)
        .where('users.active', '=', true)
        .orderBy('users.username')
        .execute()
      res.json(
        members.map((m) => ({
          username: m.username,
          displayName: m.display_name,
          isLead: m.is_lead,
        })),
      )
    },
  )
  r.post('/groups', requireRole(Role.Admin), async (req, res) => {
    const body = validateCreateGroup(req.body)
    const inserted = await writeWithEvidence(db, audit, async (tx) => {
      const group = await tx
        .insertInto('groups')
        .values({ id: body.id, name: body.name, description: body.description ?? null })
        .onConflict((oc) => oc.column('id').doNothing())
        .returningAll()
        .executeTakeFirst()
      if (!group) throw new ConflictError(`A group ${body.id} exists.`)
      return {
        result: group,
        evidence: {
          actor: sessionOf(req).user.username,
          action: 'group.created',
          entityType: 'group',
          entityId: body.id,
          after: group,
        },
      }
    })
    res.status(201).json(inserted)
  })
  return r
}

openapi.register(
  {
    method: 'get',
    path: '/users',
    tag: 'users',
    summary: 'Every account',
    roles: [Role.Admin, Role.Auditor],
  },
  {
    method: 'get',
    path: '/users/:id',
    tag: 'users',
    summary: 'One account',
    roles: [Role.Admin, Role.Auditor],
    params: userParams,
  },
  {
    method: 'post',
    path: '/users',
    tag: 'users',
    summary: 'Create an account (a generated password is returned once)',
    roles: [Role.Admin],
    requestBody: createUserBody,
  },
  {
    method: 'patch',
    path: '/users/:id',
    tag: 'users',
    summary: 'Change roles, groups, name, password or deactivate (ends the user’s sessions)',
    roles: [Role.Admin],
    params: userParams,
    requestBody: patchUserBody,
  },
  {
    method: 'get',
    path: '/groups',
    tag: 'users',
    summary: 'Groups with member counts',
    roles: [Role.Admin, Role.Staff, Role.Auditor, Role.ProcessOwner],
  },
  {
    method: 'get',
    path: '/groups/:id/members',
    tag: 'users',
    summary: 'Active members of a group (to assign tasks)',
    roles: [Role.Admin, Role.Staff, Role.Auditor],
  },
  {
    method: 'post',
    path: '/groups',
    tag: 'users',
    summary: 'Create a group',
    roles: [Role.Admin],
    requestBody: createGroupBody,
  },
)
