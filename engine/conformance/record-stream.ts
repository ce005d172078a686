/**
 * A record stream and BpmnAssert-like inspections for the conformance tests: what
 * camunda/zeebe-process-test's `BpmnAssert` checks, read from our engine's records. Test code.
 */
import type { Engine } from '../engine'
import type { EngineRecord, RecordOf, ValueType } from '../state/records'

const num = (v: unknown): number => Number(v)

/** Collects every durable record of an engine, like ZPT's RecordStream. */
export class RecordStream {
  readonly records: EngineRecord[] = []
  private readonly stop: () => void

  constructor(engine: Engine) {
    this.stop = engine.onRecord((r) => this.records.push(r))
  }

  close(): void {
    this.stop()
  }

  of<V extends ValueType>(valueType: V, intent?: string): RecordOf<V>[] {
    return this.records.filter(
      (r) => r.valueType === valueType && (intent === undefined || r.intent === intent),
    ) as unknown as RecordOf<V>[]
  }

  /** Inspections of one process instance. */
  instance(processInstanceKey: string | number): InstanceView {
    return new InstanceView(this, num(processInstanceKey))
  }
}

/** ZPT-style inspections of one process instance. */
export class InstanceView {
  constructor(
    private readonly stream: RecordStream,
    readonly key: number,
  ) {}

  private pi(): RecordOf<'PROCESS_INSTANCE'>[] {
    return this.stream.of('PROCESS_INSTANCE').filter((r) => r.value.processInstanceKey === this.key)
  }

  private processIntent(intent: string): boolean {
    return this.pi().some((r) => r.intent === intent && num(r.key) === this.key)
  }

  get isStarted(): boolean {
    return this.processIntent('ELEMENT_ACTIVATING')
  }
  get isCompleted(): boolean {
    return this.processIntent('ELEMENT_COMPLETED')
  }
  get isTerminated(): boolean {
    return this.processIntent('ELEMENT_TERMINATED')
  }
  get isActive(): boolean {
    return this.isStarted && !this.isCompleted && !this.isTerminated
  }

  /** How often an element completed (or a sequence flow was taken). */
  passed(elementId: string): number {
    return this.pi().filter(
      (r) =>
        r.value.elementId === elementId &&
        (r.intent === 'ELEMENT_COMPLETED' || r.intent === 'SEQUENCE_FLOW_TAKEN'),
    ).length
  }

  /** The given ids in the order they were passed. */
  passedInOrder(...elementIds: string[]): string[] {
    return this.pi()
      .filter((r) => r.intent === 'ELEMENT_COMPLETED' || r.intent === 'SEQUENCE_FLOW_TAKEN')
      .map((r) => r.value.elementId)
      .filter((id) => elementIds.includes(id))
  }

  /** Elements activated and neither completed nor terminated (ZPT's isWaitingAtElements). */
  waitingAt(): string[] {
    const open = new Map<number, string>()
    for (const r of this.pi()) {
      if (r.value.bpmnElementType === 'PROCESS') continue
      if (r.intent === 'ELEMENT_ACTIVATED') open.set(num(r.key), r.value.elementId)
      if (r.intent === 'ELEMENT_COMPLETED' || r.intent === 'ELEMENT_TERMINATED')
        open.delete(num(r.key))
    }
    return [...new Set(open.values())].sort()
  }

  /** Message names with an open subscription in this instance. */
  waitingForMessages(): string[] {
    const open = new Map<number, string>()
    for (const r of this.stream.of('MESSAGE_SUBSCRIPTION')) {
      if (r.value.processInstanceKey !== this.key) continue
      if (r.intent === 'CREATED') open.set(num(r.key), r.value.messageName)
      else open.delete(num(r.key))
    }
    return [...open.values()]
  }

  correlatedMessages(by: 'messageName' | 'correlationKey', value: string): number {
    return this.stream
      .of('MESSAGE_SUBSCRIPTION', 'CORRELATED')
      .filter((r) => r.value.processInstanceKey === this.key && r.value[by] === value).length
  }

  /** The latest value of each variable of the instance (any scope), parsed. */
  variables(): Record<string, unknown> {
    const out: Record<string, unknown> = {}
    for (const r of this.stream.of('VARIABLE')) {
      if (r.value.processInstanceKey === this.key) out[r.value.name] = JSON.parse(r.value.value)
    }
    return out
  }

  incidents(): RecordOf<'INCIDENT'>[] {
    return this.stream
      .of('INCIDENT', 'CREATED')
      .filter((r) => r.value.processInstanceKey === this.key)
  }

  /** Keys of the instances this one called, with their process ids, oldest first. */
  calledProcesses(): { key: number; bpmnProcessId: string }[] {
    return this.stream
      .of('PROCESS_INSTANCE', 'ELEMENT_ACTIVATING')
      .filter(
        (r) =>
          r.value.bpmnElementType === 'PROCESS' && r.value.parentProcessInstanceKey === this.key,
      )
      .map((r) => ({ key: num(r.key), bpmnProcessId: r.value.bpmnProcessId }))
  }

  /** ZPT's extractingLatestCalledProcess([processId]). */
  latestCalled(bpmnProcessId?: string): InstanceView {
    const called = this.calledProcesses().filter(
      (c) => !bpmnProcessId || c.bpmnProcessId === bpmnProcessId,
    )
    const last = called[called.length - 1]
    if (!last) {
      throw new Error(
        bpmnProcessId
          ? `No process with id \`${bpmnProcessId}\` was called from this process`
          : 'No process was called from this process',
      )
    }
    return this.stream.instance(last.key)
  }
}
