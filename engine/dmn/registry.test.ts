import { describe, expect, test } from 'vitest'
import type { DecisionRequirementsGraph } from './model'
import {
  decisionsOfDrg,
  duplicatesOnly,
  findDecisionByKey,
  planDmnDeployment,
  resolveDecision,
  versionTogether,
  type DmnRegistry,
  type DmnResource,
} from './registry'

const T = '<default>'

function drg(
  id: string,
  decisions: { id: string; versionTag?: string }[],
): DecisionRequirementsGraph {
  return {
    id,
    name: id,
    namespace: 'ns',
    decisions: decisions.map((d) => ({
      id: d.id,
      name: d.id,
      versionTag: d.versionTag,
      resultName: d.id,
      requiredDecisions: [],
      logic: { type: 'LITERAL_EXPRESSION', id: `${d.id}_Expr`, expression: '1' },
    })),
  }
}

/** Deploys `resources` onto `registry` as the deployment processor would, returning both. */
function deploy(
  registry: DmnRegistry,
  resources: DmnResource[],
  deploymentKey: number,
  next: { key: number },
) {
  const newKey = () => ++next.key
  const planned = planDmnDeployment({ resources, registry, tenantId: T, deploymentKey, newKey })
  if (!planned.ok) throw new Error(planned.message)
  const plan = planned.plan
  const after: DmnRegistry = {
    drgs: [...registry.drgs, ...plan.drgs.filter((d) => !d.duplicate)],
    decisions: [...registry.decisions, ...plan.decisions.filter((d) => !d.duplicate)],
  }
  return { plan, registry: after }
}

const empty: DmnRegistry = { drgs: [], decisions: [] }
const matrix = (checksum: string, tag?: string): DmnResource => ({
  resourceName: 'priority.dmn',
  checksum,
  drg: drg('Drg_Priority', [
    { id: 'Decision_Priority', versionTag: tag },
    { id: 'Decision_Impact' },
  ]),
})

describe('versions', () => {
  test('a first deployment is version 1 of the DRG and of each decision, with new keys', () => {
    // when
    const { plan } = deploy(empty, [matrix('a')], 10, { key: 10 })
    // then
    expect(plan.drgs).toEqual([
      expect.objectContaining({
        decisionRequirementsKey: 11,
        version: 1,
        duplicate: false,
        deploymentKey: 10,
      }),
    ])
    expect(
      plan.decisions.map((d) => [
        d.decisionId,
        d.decisionKey,
        d.version,
        d.decisionRequirementsKey,
      ]),
    ).toEqual([
      ['Decision_Priority', 12, 1, 11],
      ['Decision_Impact', 13, 1, 11],
    ])
  })

  test('the identical resource again is a duplicate that keeps keys, versions and deployment', () => {
    // given
    const next = { key: 10 }
    const first = deploy(empty, [matrix('a')], 10, next)
    // when
    const { plan } = deploy(first.registry, [matrix('a')], 20, next)
    // then
    expect(duplicatesOnly(plan)).toBe(true)
    expect(plan.drgs[0]).toMatchObject({
      decisionRequirementsKey: 11,
      version: 1,
      duplicate: true,
      deploymentKey: 10,
    })
    expect(
      plan.decisions.map((d) => [d.decisionKey, d.version, d.duplicate, d.deploymentKey]),
    ).toEqual([
      [12, 1, true, 10],
      [13, 1, true, 10],
    ])
  })

  test('a changed resource is a new version of the DRG and of every decision in it', () => {
    // given
    const next = { key: 10 }
    const first = deploy(empty, [matrix('a')], 10, next)
    // when
    const { plan } = deploy(first.registry, [matrix('b')], 20, next)
    // then
    expect(plan.drgs[0]).toMatchObject({ version: 2, duplicate: false, deploymentKey: 20 })
    expect(plan.decisions.map((d) => [d.decisionId, d.version, d.duplicate])).toEqual([
      ['Decision_Priority', 2, false],
      ['Decision_Impact', 2, false],
    ])
  })

  test('the same content under another resource name is a new version (Zeebe compares names too)', () => {
    // given
    const next = { key: 10 }
    const first = deploy(empty, [matrix('a')], 10, next)
    // when
    const { plan } = deploy(
      first.registry,
      [{ ...matrix('a'), resourceName: 'renamed.dmn' }],
      20,
      next,
    )
    // then
    expect(plan.drgs[0]).toMatchObject({ version: 2, duplicate: false })
  })

  test('a decision moved to another DRG continues its own version sequence', () => {
    // given
    const next = { key: 10 }
    const first = deploy(empty, [matrix('a')], 10, next)
    const moved: DmnResource = {
      resourceName: 'impact.dmn',
      checksum: 'c',
      drg: drg('Drg_Impact', [{ id: 'Decision_Impact' }]),
    }
    // when
    const { plan } = deploy(first.registry, [moved], 20, next)
    // then
    expect(plan.drgs[0]).toMatchObject({ decisionRequirementsId: 'Drg_Impact', version: 1 })
    expect(plan.decisions[0]).toMatchObject({ decisionId: 'Decision_Impact', version: 2 })
  })

  test('duplicates are versioned again when the deployment also has new resources', () => {
    // given
    const next = { key: 10 }
    const first = deploy(empty, [matrix('a')], 10, next)
    const { plan } = deploy(first.registry, [matrix('a')], 20, next)
    // when
    const together = versionTogether(plan, 20, () => ++next.key)
    // then
    expect(together.drgs[0]).toMatchObject({ version: 2, duplicate: false, deploymentKey: 20 })
    expect(
      together.decisions.map((d) => [d.version, d.duplicate, d.decisionRequirementsKey]),
    ).toEqual([
      [2, false, together.drgs[0]!.decisionRequirementsKey],
      [2, false, together.drgs[0]!.decisionRequirementsKey],
    ])
  })

  test.each([
    [
      [matrix('a'), { ...matrix('b'), resourceName: 'other.dmn' }],
      "Expected the decision requirements ids to be unique within a deployment but found a duplicated id 'Drg_Priority' in the resources 'priority.dmn' and 'other.dmn'.",
    ],
    [
      [
        matrix('a'),
        {
          resourceName: 'other.dmn',
          checksum: 'x',
          drg: drg('Drg_Other', [{ id: 'Decision_Impact' }]),
        },
      ],
      "Expected the decision ids to be unique within a deployment but found a duplicated id 'Decision_Impact' in the resources 'priority.dmn' and 'other.dmn'.",
    ],
  ])('refuses ids used twice within one deployment', (resources, message) => {
    // when
    const planned = planDmnDeployment({
      resources,
      registry: empty,
      tenantId: T,
      deploymentKey: 1,
      newKey: () => 2,
    })
    // then
    expect(planned).toEqual({ ok: false, message })
  })
})

describe('lookup by binding type', () => {
  const next = { key: 10 }
  const v1 = deploy(empty, [matrix('a', 'release-1')], 10, next)
  const v2 = deploy(v1.registry, [matrix('b', 'release-2')], 20, next)
  const v3 = deploy(v2.registry, [matrix('c')], 30, next)
  const registry = v3.registry
  const ref = { decisionId: 'Decision_Priority', tenantId: T }

  test.each([
    ['latest', { ...ref }, 3],
    ['latest (explicit)', { ...ref, bindingType: 'latest' as const }, 3],
    ['deployment', { ...ref, bindingType: 'deployment' as const, deploymentKey: 20 }, 2],
    ['versionTag', { ...ref, bindingType: 'versionTag' as const, versionTag: 'release-1' }, 1],
  ])('%s finds version %i', (_binding, reference, version) => {
    // when
    const found = resolveDecision(registry, reference)
    // then
    expect(found).toMatchObject({
      ok: true,
      decision: { decisionId: 'Decision_Priority', version },
    })
  })

  test.each([
    [
      { decisionId: 'Nope', tenantId: T },
      "Expected to evaluate decision 'Nope', but no decision found for id 'Nope'",
    ],
    [
      { ...ref, bindingType: 'deployment' as const, deploymentKey: 99 },
      "Expected to evaluate decision 'Decision_Priority' with binding type 'deployment', but no such decision found in the deployment with key 99 which contained the current process. To resolve this incident, migrate the process instance to a process definition that is deployed together with the intended decision to evaluate.",
    ],
    [
      { ...ref, bindingType: 'versionTag' as const, versionTag: 'release-9' },
      "Expected to evaluate decision with id 'Decision_Priority' and version tag 'release-9', but no such decision found. To resolve this incident, deploy a decision with the given id and version tag.",
    ],
    [
      { ...ref, tenantId: 'other' },
      "Expected to evaluate decision 'Decision_Priority', but no decision found for id 'Decision_Priority'",
    ],
  ])('a missing decision gives Zeebe incident message (%j)', (reference, message) => {
    // when
    const found = resolveDecision(registry, reference)
    // then
    expect(found).toEqual({ ok: false, message })
  })

  test('by key, and the decisions of a DRG version', () => {
    // given
    const latest = resolveDecision(registry, ref)
    if (!latest.ok) throw new Error(latest.message)
    // when
    const byKey = findDecisionByKey(registry, latest.decision.decisionKey, T)
    const missing = findDecisionByKey(registry, 1, T)
    const siblings = decisionsOfDrg(registry, latest.decision.decisionRequirementsKey)
    // then
    expect(byKey).toEqual({ ok: true, decision: latest.decision })
    expect(missing).toEqual({
      ok: false,
      message: "Expected to evaluate decision '1', but no decision found for key '1'",
    })
    expect(siblings.map((d) => [d.decisionId, d.version])).toEqual([
      ['Decision_Priority', 3],
      ['Decision_Impact', 3],
    ])
  })
})
