import type { RunRecord } from '../model/run.js';
import type { HeapNode } from './next-run-heap.js';
import type { RegisteredTask } from './task-registry.js';
import type { Trigger } from './run-trigger.js';
import type { ChainStart } from './task-chains.js';

/** Heap priority of a run's deadlines (timeout, abort wait): before any task due at the same ms. */
export const DEADLINE_PRIORITY = 1000;

/** A run's deadline in the scheduler's heap: its timeout, or the end of its abort wait. */
export interface RunDeadline<TAction> extends HeapNode {
  kind: 'timeout' | 'abort-wait';
  run: ActiveRun<TAction>;
}

/** One run from the moment it is triggered until its final record is written. */
export class ActiveRun<TAction> {
  /** 'aborting': aborted while running; its slot is free, its record waits for the runner's outcome. */
  state: 'waiting' | 'running' | 'aborting' | 'done' = 'waiting';
  controller: AbortController | null = null;
  /** Why the run was aborted, for a signal made after the abort. */
  abortReason: unknown = undefined;
  timeout: RunDeadline<TAction> | null = null;
  /** Set while aborting: the status and error the record gets if the runner does not report in time. */
  abort: { status: 'canceled' | 'timed-out'; error: string; wait: RunDeadline<TAction> } | null =
    null;
  /** Canceled (by the user, a replace, a stop): no retry follows, whatever the runner reports. */
  noRetry = false;
  /** The timeout it started with (the task may change while it runs). */
  timeoutMs = 0;
  queuedWritten = false;
  byPolicy = false;
  writes: Promise<void> = Promise.resolve();
  /** The parent run of a chained run (its action is told about it); null for others. */
  chain: ChainStart | null = null;
  readonly done: Promise<RunRecord>;
  resolve!: (record: RunRecord) => void;

  constructor(
    readonly task: RegisteredTask<TAction>,
    readonly record: RunRecord,
    readonly forced: boolean,
    /** Arrival order, the last tie-breaker between waiting runs. */
    readonly seq: number,
  ) {
    this.done = new Promise<RunRecord>((resolve) => {
      this.resolve = resolve;
    });
  }

  /** A deadline node for this run, due at `dueAt`. */
  deadline(kind: RunDeadline<TAction>['kind'], dueAt: number): RunDeadline<TAction> {
    return { kind, run: this, dueAt, priority: DEADLINE_PRIORITY, seq: 0, heapIndex: -1 };
  }
}

/** A new run's record: 'queued', nothing known yet but what triggered it. */
export function newRunRecord<TAction>(
  t: Trigger<RegisteredTask<TAction>>,
  runId: string,
  sessionId: string | null,
): RunRecord {
  const { def } = t.task;
  return {
    runId,
    taskId: t.task.id,
    project: def.project,
    group: def.group,
    name: def.name,
    sessionId,
    status: 'queued',
    trigger: t.trigger,
    scheduledFor: t.scheduledFor,
    startedAt: null,
    endedAt: null,
    heartbeatAt: null,
    attempt: t.attempt,
    firstRunId: t.firstRunId ?? runId,
    exitCode: null,
    httpStatus: null,
    stdout: null,
    stderr: null,
    error: null,
    fromCache: false,
  };
}
