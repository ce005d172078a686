/**
 * The audit pack (ISO/IEC 20000-1:2011 4.3.3, 4.5.4.2): for a period and a selection of clauses,
 * the matrix with evidence sampled per requirement — random, but drawn from a seed the pack
 * states, so anyone holding the same trail draws the same samples — each sample with its replay
 * link, its hash, whether its hash and its link to the previous entry recompute, and the
 * verification of the whole chain. JSON, or printable HTML with the diagrams.
 */
import { createHash, randomBytes } from 'node:crypto'
import { sql } from 'kysely'
import { hashEntry, toEntry, type EvidenceEntry, type EvidenceRow } from '../evidence/entry'
import type { ComplianceService, MatrixRow, Period } from './compliance.service'
import { diagramSvg } from './diagram-svg'
import { ELEMENT_COMPLETED } from './matchers'

export interface AuditPackOptions {
  period: Period
  /** Clauses (and their sub-clauses) to include; empty = all. */
  clauses: string[]
  sampleSize: number
  /** The sampling seed; a fresh one when absent (stated in the pack either way). */
  seed?: string
  by: string
  at: Date
}

/** A deterministic generator in [0, 1) from a seed string (sha256 → xorshift128+ state). */
export function seededRandom(seed: string): () => number {
  const h = createHash('sha256').update(seed).digest()
  let s0 = h.readBigUInt64BE(0) || 1n
  let s1 = h.readBigUInt64BE(8) || 2n
  const mask = (1n << 64n) - 1n
  return () => {
    let x = s0
    const y = s1
    s0 = y
    x = (x ^ (x << 23n)) & mask
    x = x ^ (x >> 17n) ^ y ^ (y >> 26n)
    s1 = x
    return Number(((s0 + s1) & mask) >> 11n) / 2 ** 53
  }
}

/** `k` of `items` drawn without replacement by `random`, in their original order. */
export function sample<T>(items: readonly T[], k: number, random: () => number): T[] {
  const idx = items.map((_, i) => i)
  const n = Math.min(k, idx.length)
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(random() * (idx.length - i))
    ;[idx[i], idx[j]] = [idx[j]!, idx[i]!]
  }
  return idx
    .slice(0, n)
    .sort((a, b) => a - b)
    .map((i) => items[i]!)
}

/** One sampled evidence entry. */
export interface PackSample {
  seq: number
  at: string
  action: string
  entityType: string
  entityId: string
  actor: string
  processInstanceKey: string | null
  elementId: string | null
  hash: string
  prevHash: string
  /** The entry's hash recomputes from its content. */
  hashVerified: boolean
  /** The previous entry's hash is the one this entry names. */
  linkVerified: boolean
  /** Where the web app replays the instance at the element, or shows the record. */
  replay: string | null
  record: string
}

export async function auditPack(compliance: ComplianceService, o: AuditPackOptions) {
  const seed = o.seed ?? randomBytes(9).toString('base64url')
  const clauses = o.clauses.length ? o.clauses : []
  const rows = clauses.length
    ? (await Promise.all(clauses.map((c) => compliance.matrix(o.period, c)))).flat()
    : await compliance.matrix(o.period)
  const unique = [...new Map(rows.map((r) => [r.id, r])).values()]
  const requirements = []
  const processes = new Map<string, { carrying: Set<string>; sampled: Set<string> }>()
  for (const row of unique) {
    const seqs = await matchingSeqs(compliance, row.id, o.period)
    const chosen = sample(seqs, o.sampleSize, seededRandom(`${seed}:${row.id}`))
    const samples = await samplesOf(compliance, chosen)
    for (const l of row.elements) {
      const marks = markFor(processes, l.bpmnProcessId!)
      marks.carrying.add(l.elementId!)
    }
    for (const s of samples) {
      if (s.elementId && s.replay) {
        const pid = new URL(s.replay, 'http://x').searchParams.get('process')
        if (pid) markFor(processes, pid).sampled.add(s.elementId)
      }
    }
    requirements.push({ ...row, population: seqs.length, samples })
  }
  const verification = await compliance.verifyChain()
  const diagrams = await diagramsOf(compliance, processes)
  return {
    kind: 'iso20000-audit-pack',
    standard: 'ISO/IEC 20000-1:2011',
    generatedAt: o.at.toISOString(),
    generatedBy: o.by,
    period: { from: o.period.from.toISOString(), to: o.period.to.toISOString() },
    clauses,
    sampleSize: o.sampleSize,
    seed,
    sampling:
      'Per requirement, the matching evidence entries of the period in seq order; k drawn without replacement by a partial Fisher–Yates shuffle driven by xorshift128+ seeded with SHA-256 of "<seed>:<requirement id>".',
    chain: verification,
    requirements,
    diagrams,
  }
}

export type AuditPack = Awaited<ReturnType<typeof auditPack>>

function markFor(m: Map<string, { carrying: Set<string>; sampled: Set<string> }>, pid: string) {
  let v = m.get(pid)
  if (!v) m.set(pid, (v = { carrying: new Set(), sampled: new Set() }))
  return v
}

async function matchingSeqs(c: ComplianceService, id: string, p: Period): Promise<number[]> {
  const cond = await c.condition(id)
  const rows = await sql<{ seq: string | number }>`
    select e.seq from evidence e where ${cond} and e.at >= ${p.from} and e.at < ${p.to}
    order by e.seq`.execute(c.db)
  return rows.rows.map((r) => Number(r.seq))
}

async function samplesOf(c: ComplianceService, seqs: number[]): Promise<PackSample[]> {
  if (seqs.length === 0) return []
  const wanted = [...new Set(seqs.flatMap((s) => [s, s - 1]))].filter((s) => s > 0).map(String)
  const rows = await c.db.selectFrom('evidence').selectAll().where('seq', 'in', wanted).execute()
  const bySeq = new Map(rows.map((r) => toEntry(r as EvidenceRow)).map((e) => [e.seq, e]))
  const keys = seqs.map((s) => bySeq.get(s)?.processInstanceKey).filter((k): k is string => !!k)
  const procs = keys.length
    ? await c.db
        .selectFrom('process_instances')
        .select(['process_instance_key', 'bpmn_process_id'])
        .where('process_instance_key', 'in', keys)
        .execute()
    : []
  const pidOf = new Map(procs.map((p) => [p.process_instance_key, p.bpmn_process_id]))
  return seqs.map((seq) => {
    const e = bySeq.get(seq)!
    const prev = bySeq.get(seq - 1)
    const { hash, ...rest } = e
    const elementId =
      e.action === ELEMENT_COMPLETED
        ? ((e.after as { elementId?: string } | null)?.elementId ?? null)
        : null
    return {
      seq,
      at: e.at,
      action: e.action,
      entityType: e.entityType,
      entityId: e.entityId,
      actor: e.actor,
      processInstanceKey: e.processInstanceKey,
      elementId,
      hash,
      prevHash: e.prevHash,
      hashVerified: hashEntry(rest as Omit<EvidenceEntry, 'hash'>) === hash,
      linkVerified: seq === 1 ? /^0+$/.test(e.prevHash) : prev?.hash === e.prevHash,
      replay: replayLink(e, elementId, pidOf.get(e.processInstanceKey ?? '')),
      record: `/evidence?entityType=${encodeURIComponent(e.entityType)}&entityId=${encodeURIComponent(e.entityId)}`,
    }
  })
}

function replayLink(e: EvidenceEntry, elementId: string | null, pid?: string): string | null {
  if (!e.processInstanceKey) return null
  const q = new URLSearchParams({ instance: e.processInstanceKey })
  if (pid) q.set('process', pid)
  if (elementId) q.set('element', elementId)
  q.set('seq', String(e.seq))
  return `/replay?${q.toString()}`
}

async function diagramsOf(
  c: ComplianceService,
  processes: Map<string, { carrying: Set<string>; sampled: Set<string> }>,
) {
  const out: { bpmnProcessId: string; version: number; svg: string }[] = []
  for (const [pid, marks] of [...processes].sort(([a], [b]) => a.localeCompare(b))) {
    const v = await c.db
      .selectFrom('process_versions')
      .select(['xml', 'version'])
      .where('bpmn_process_id', '=', pid)
      .where('state', '=', 'deployed')
      .executeTakeFirst()
    if (!v) continue
    out.push({
      bpmnProcessId: pid,
      version: v.version,
      svg: await diagramSvg(v.xml, marks).catch(() => ''),
    })
  }
  return out
}

const esc = (s: unknown) =>
  String(s ?? '').replace(
    /[&<>"']/g,
    (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] ?? ch,
  )

function requirementHtml(r: MatrixRow & { population: number; samples: PackSample[] }): string {
  const where = [...r.elements, ...r.records].map((l) => esc(l.label)).join('; ') || '—'
  const samples = r.samples
    .map(
      (s) =>
        `<tr><td>${s.seq}</td><td>${esc(s.at)}</td><td>${esc(s.action)}</td><td>${esc(s.entityType)} ${esc(s.entityId)}</td><td>${esc(s.elementId ?? '')}</td><td><code>${esc(s.hash)}</code></td><td>${s.hashVerified && s.linkVerified ? 'verified' : 'BROKEN'}</td><td>${s.replay ? `<a href="${esc(s.replay)}">replay</a>` : ''}</td></tr>`,
    )
    .join('')
  return `<section><h3>${esc(r.id)} <small>(${esc(r.kind)}, ${esc(r.status)})</small></h3>
<p>${esc(r.summary)}</p><p><strong>Carried by:</strong> ${where}</p>
<p><strong>Evidence in the period:</strong> ${r.counts.total} (instances ${r.counts.instances}, records ${r.counts.records}, documents ${r.counts.documents}, reviews ${r.counts.reviews}, reports ${r.counts.reports}); sampled ${r.samples.length} of ${r.population}.</p>
${r.samples.length ? `<table><thead><tr><th>Seq</th><th>At</th><th>Action</th><th>Record</th><th>Element</th><th>Hash</th><th>Chain</th><th>Replay</th></tr></thead><tbody>${samples}</tbody></table>` : ''}</section>`
}

/** The printable HTML of a pack: no script, diagrams inline. */
export function auditPackHtml(p: AuditPack): string {
  const chain = p.chain as { ok: boolean; headSeq?: number; headHash?: string; brokenAt?: number }
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Audit pack ${esc(p.period.from)} – ${esc(p.period.to)}</title>
<style>body{font:13px system-ui,sans-serif;margin:2rem;color:#111}table{border-collapse:collapse;width:100%;margin:.5rem 0}td,th{border:1px solid #999;padding:3px 5px;text-align:left;vertical-align:top}th{background:#eee}code{font-size:10px;word-break:break-all}section{break-inside:avoid;margin-bottom:1rem}figure{break-inside:avoid}@media print{body{margin:0}}</style>
</head><body>
<h1>Audit pack — ${esc(p.standard)}</h1>
<p>Period ${esc(p.period.from)} to ${esc(p.period.to)}; clauses ${esc(p.clauses.join(', ') || 'all')}; generated ${esc(p.generatedAt)} by ${esc(p.generatedBy)}.</p>
<p><strong>Sampling seed:</strong> <code>${esc(p.seed)}</code>, ${p.sampleSize} per requirement. ${esc(p.sampling)}</p>
<p><strong>Evidence chain:</strong> ${chain.ok ? `verified intact up to seq ${esc(chain.headSeq)} (head hash <code>${esc(chain.headHash)}</code>)` : `BROKEN at seq ${esc(chain.brokenAt)}`}.</p>
<h2>Procedures</h2>
${p.diagrams.map((d) => `<figure><figcaption>${esc(d.bpmnProcessId)} v${d.version} (outlined: carries a requirement of the pack; filled: sampled)</figcaption>${d.svg}</figure>`).join('\n')}
<h2>Requirements</h2>
${p.requirements.map(requirementHtml).join('\n')}
</body></html>`
}
