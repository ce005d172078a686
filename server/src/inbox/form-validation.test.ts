import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { UserError } from '../errors'
import { validateFormData } from './form-validation'

const planForm: unknown = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../../forms/service-transition-plan.form'), 'utf8'),
)

const plan = Object.fromEntries(
  [
    'requirements',
    'responsibilities',
    'communication',
    'resources',
    'budget',
    'timescales',
    'risks',
    'testApproach',
    'acceptanceCriteria',
    'expectedOutcomes',
    'smsImpact',
  ].map((k) => [k, `${k} text`]),
)

const fieldsOf = (fn: () => unknown): string[] => {
  try {
    fn()
  } catch (err) {
    if (err instanceof UserError) return JSON.stringify(err).match(/\/\w+/g) ?? [err.message]
    throw err
  }
  return []
}

describe('task forms with conditions (form-js conditional.hide)', () => {
  it.each(['service-removal', 'service-transfer'])(
    '5.2: requires the removal plan when the transition is a %s',
    (transitionType) => {
      // given: a plan without the removal plan, for a service removed or transferred
      // when / then: refused, naming the field
      expect(() => validateFormData(planForm, plan, { transitionType })).toThrow(UserError)
      expect(fieldsOf(() => validateFormData(planForm, plan, { transitionType }))).toContain(
        '/removalPlan',
      )
      // and accepted with it
      expect(
        validateFormData(planForm, { ...plan, removalPlan: 'Off on 30 June' }, { transitionType }),
      ).toMatchObject({ removalPlan: 'Off on 30 June' })
    },
  )

  it.each(['new-service', 'changed-service'])(
    '5.2: neither requires nor keeps the removal plan of a %s (form-js hides it)',
    (transitionType) => {
      // given / when: a plan of a new or changed service, with and without a removal plan
      const without = validateFormData(planForm, plan, { transitionType })
      const withOne = validateFormData(planForm, { ...plan, removalPlan: 'x' }, { transitionType })
      // then: accepted; the hidden field is not stored
      expect(without).toEqual(plan)
      expect(withOne).toEqual(plan)
    },
  )

  it('applies the rules of a field whose condition cannot be evaluated (it stays shown)', () => {
    // given: a condition that does not parse
    const form = {
      components: [
        {
          type: 'textfield',
          key: 'note',
          validate: { required: true },
          conditional: { hide: '=not((' },
        },
      ],
    }
    // when / then: the field is required as shown
    expect(() => validateFormData(form, {}, {})).toThrow(UserError)
  })
})
