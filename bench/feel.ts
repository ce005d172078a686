/**
 * FEEL evaluation cost with a warm cache: `npm run bench:feel` (or `tsx bench/feel.ts`).
 * Prints µs per evaluation of typical engine expressions through engine/feel (our interpreter
 * over feelin's parser), and the same through `feelin`'s own evaluate (the engine's previous
 * FEEL path, which parses on every call) as a baseline.
 */
import { evaluate as feelinEvaluate } from 'feelin'
import { evaluateCondition, evaluateExpression } from '../engine/feel/feel'

const cases: { name: string; expression: string; variables: Record<string, unknown> }[] = [
  {
    name: 'condition',
    expression: 'amount > 100 and status = "open"',
    variables: { amount: 150, status: 'open', customer: { id: 7, name: 'ACME' }, items: [1, 2] },
  },
  { name: 'arithmetic', expression: 'order.total * 1.19', variables: { order: { total: 99.5 } } },
  {
    name: 'filter',
    expression: 'items[price > 10].name',
    variables: {
      items: Array.from({ length: 10 }, (_, i) => ({ name: `item ${i}`, price: i * 3 })),
    },
  },
  {
    name: 'temporal',
    expression: 'date and time(created) + duration("P3D")',
    variables: { created: '2024-05-01T10:00:00Z' },
  },
]

function measure(run: () => unknown): number {
  for (let i = 0; i < 2_000; i++) run() // warm up (and fill the cache)
  let n = 0
  const start = process.hrtime.bigint()
  const budget = 400_000_000n // 0.4 s
  while (process.hrtime.bigint() - start < budget) {
    for (let i = 0; i < 200; i++) run()
    n += 200
  }
  return Number(process.hrtime.bigint() - start) / 1000 / n
}

for (const { name, expression, variables } of cases) {
  const ours = measure(() =>
    name === 'condition'
      ? evaluateCondition(`= ${expression}`, variables)
      : evaluateExpression(`= ${expression}`, variables),
  )
  const feelin = measure(() =>
    JSON.parse(JSON.stringify(feelinEvaluate(expression, { ...variables }).value ?? null)),
  )
  console.log(
    `${name.padEnd(11)} ${expression.padEnd(42)} engine/feel ${ours.toFixed(2).padStart(7)} µs   feelin ${feelin.toFixed(2).padStart(7)} µs`,
  )
}
