import { PGlite } from '@electric-sql/pglite'
import { createEngine, TestClock } from './engine/engine'
import { bpmn, chain } from './engine/test-support'
import type { SqlClient } from './engine/state/sql'
const pg = await PGlite.create()
const wrap = (q: { query: PGlite['query'] }): SqlClient => ({
  async query<R>(text: string, params?: unknown[]) { const r = await q.query(text, params); return { rows: r.rows as R[] } },
  transaction: <T,>(fn: (tx: SqlClient) => Promise<T>) => pg.transaction((tx) => fn(wrap(tx))) as Promise<T>,
})
const sql = wrap(pg)
const e = await createEngine({ sql, clock: new TestClock() })
await e.deployResources([{ name: 'ut.bpmn', content: bpmn('ut', `<bpmn:startEvent id="start" /><bpmn:userTask id="Task_Review" /><bpmn:endEvent id="end" />${chain('start', 'Task_Review', 'end')}`) }])
for (let i = 0; i < 10000; i += 500) await Promise.all(Array.from({ length: 500 }, (_, j) => e.createProcessInstance({ bpmnProcessId: 'ut', variables: { n: i + j } })))
const n = (await sql.query<{ n: string }>('select count(*) as n from engine_records')).rows[0]!.n
let t0 = performance.now()
const e2 = await createEngine({ sql, clock: new TestClock() })
console.log(`10,000 running instances: replay of ${n} records ${(performance.now() - t0).toFixed(0)} ms; instances ${Object.keys(e2.state.elementInstances).length}`)
const recs = await e2.readRecords({ processInstanceKey: Object.keys(e2.state.elementInstances)[0] })
console.log(recs.length, recs[0])
