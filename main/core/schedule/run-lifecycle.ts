import type { ActionRunner, ParentRun, RunContext, RunOutcome } from '../actions/runner.js';
import { timeoutReason } from '../actions/run-signal.js';
import type { Logger } from '../log/logger.js';
import type { RunRecord } from '../model/run.js';
import type { Clock } from '../time/clock.js';
import type { ActiveRun, RunDeadline } from './active-run.js';
import { ActiveRunContext } from './active-run.js';
import type { EngineEvent } from './engine-event.js';
import type { LastResult } from './last-result.js';
import type { HeapNode, NextRunHeap } from './next-run-heap.js';
import type { RetryChain } from './retry-chain.js';
import type { RunRecorder } from './run-recorder.js';
import type { RunQueue } from './run-queue.js';
import { admission } from './run-queue.js';
import type { Trigger } from './run-trigger.js';
import { TRIGGER, chainTrigger } from './run-trigger.js';
import type { ChainJournal, ChainStart, ChainedRun } from './task-chains.js';
import { errorText } from './scheduler-error.js';
import type { RegisteredTask } from './task-registry.js';

/**
 * How long an aborted run's runner gets to report its outcome (partial output, exact status)
 * before the record is finished without it: the runners' kill grace period (2000 ms) plus a margin.
 */
export const ABORT_WAIT_MS = 3000;

/** Why a run was aborted, in words for its record. */
export const ABORT_REASON = {
  canceled: 'The run was canceled.',
  stopped: 'The run was canceled because the scheduler stopped.',
  removed: 'The run was canceled because its task was removed.',
  replaced: (runId: string): string =>
    `The run was canceled and replaced by run ${runId} (overlap policy: replace).`,
  timedOut: (ms: number): string => `The run timed out after ${ms} ms and was stopped.`,
} as const;

export interface RunLifecycleDeps<TAction> {
  clock: Clock;
  logger: Logger;
  runner: ActionRunner<TAction>;
  heap: NextRunHeap<HeapNode>;
  recorder: RunRecorder<TAction>;
  queue: RunQueue<TAction>;
  retries: RetryChain<TAction>;
  lastResult: LastResult;
  emit: (event: EngineEvent) => void;
  hasListener: boolean;
  globalConcurrency: number;
  /** A routine's run ended with none other left: plan its next due time from `endedAt`. */
  routineIdle: (task: RegisteredTask<TAction>, endedAt: number) => void;
  /** Something changed that may move the next wake. */
  rearm: () => void;
  /** The chained runs a final record starts (none for a task nobody follows). */
  chainsAfter: (record: RunRecord, now: number) => ChainedRun<TAction>[];
  chains: ChainJournal;
  /** Where a chained run goes: the child's quiet windows and conditions decide (ChainAdmission). */
  admitChained: (t: Trigger<RegisteredTask<TAction>>) => void;
  /** Why a run due at `scheduledFor` must not start now ("Do not run until …"), or null. */
  hold?: (scheduledFor: number | null) => string | null;
}

/** Runs from trigger to final record: admission, start, signal, timeout, abort and finish. */
export class RunLifecycle<TAction> {
  /** Waiting, running and aborting runs by runId. */
  readonly active = new Map<string, ActiveRun<TAction>>();
  runningCount = 0;
  abortingCount = 0;

  constructor(private readonly deps: RunLifecycleDeps<TAction>) {}

  /** Applies the overlap policy to a trigger: the run waits for a slot, or is written skipped. */
  submit(t: Trigger<RegisteredTask<TAction>>): ActiveRun<TAction> {
    const { recorder, queue } = this.deps;
    const run = recorder.newRun(t);
    const task = t.task;
    // Run now is the one way past a "Do not run until …"; every other trigger is held.
    const held = t.trigger === TRIGGER.manual ? null : this.deps.hold?.(t.scheduledFor);
    if (held) return recorder.skip(run, held, 'do-not-run-until');
    if (!t.forced) {
      const decision = admission(task);
      if (decision.kind === 'skip') return recorder.skip(run, decision.reason, 'overlap');
      if (decision.kind === 'replace') {
        for (const other of [...this.active.values()])
          if (other.task === task)
            this.abort(other, 'canceled', ABORT_REASON.replaced(run.record.runId));
      }
      run.byPolicy = true;
      task.queuedByPolicy++;
    }
    task.waiting++;
    this.active.set(run.record.runId, run);
    queue.add(run);
    return run;
  }

  /** Starts waiting runs while slots are free; writes 'queued' for those left waiting. */
  pump(): void {
    const { queue, recorder } = this.deps;
    queue.startReady(this.#slotFree, this.#startRun);
    if (queue.length > 0) for (const run of queue.unannounced()) recorder.write(run);
  }

  /** More slots start waiting runs now; fewer let the running ones finish and start no more. */
  setGlobalConcurrency(slots: number): void {
    this.deps.globalConcurrency = slots;
    this.pump();
  }

  // Made once: a pump per run started (1,000 in one second) would make two closures each.
  readonly #slotFree = (): boolean => this.runningCount < this.deps.globalConcurrency;
  readonly #startRun = (run: ActiveRun<TAction>): void => this.#start(run);

  /**
   * Starts the one waiting run when a slot is free. Cheap whatever waits: with more than one
   * run waiting, the next pump decides in start order.
   */
  startAlone(): void {
    if (this.deps.queue.length === 1 && this.runningCount < this.deps.globalConcurrency)
      this.pump();
  }

  #start(run: ActiveRun<TAction>): void {
    const task = run.task;
    const now = this.deps.clock.now();
    task.waiting--;
    if (run.byPolicy) task.queuedByPolicy--;
    task.running++;
    this.runningCount++;
    run.state = 'running';
    const record = run.record;
    record.status = 'running';
    record.startedAt = now;
    record.heartbeatAt = now;
    this.deps.recorder.write(run);
    if (this.deps.hasListener) this.deps.emit({ type: 'run:started', run: { ...record } });
    const timeoutMs = task.def.timeoutMs;
    run.timeoutMs = timeoutMs;
    if (timeoutMs > 0) {
      run.timeout = run.deadline('timeout', now + timeoutMs);
      this.deps.heap.push(run.timeout);
    }
    let outcome: Promise<RunOutcome>;
    try {
      outcome = Promise.resolve(this.deps.runner.run(task.action, this.#context(run)));
    } catch (error) {
      outcome = Promise.resolve({ status: 'failed', error: errorText(error) });
    }
    outcome.then(
      (o) => this.finish(run, o),
      (error: unknown) => this.finish(run, { status: 'failed', error: errorText(error) }),
    );
  }

  #context(run: ActiveRun<TAction>): RunContext {
    const context: RunContext = new ActiveRunContext(run);
    // Added, not set in the constructor: only a chained run's context has a parent at all.
    if (run.chain !== null) context.parent = parentContext(run.chain);
    return context;
  }

  /**
   * Aborts a run. A waiting run ends at once. A running run gives up its slot at once, its signal
   * is aborted (a TimeoutError reason for timeouts, which runners report as 'timed-out'), and its
   * record waits for the runner's outcome, so partial output and the runner's own status are kept;
   * after ABORT_WAIT_MS without one, the record ends with `status` and no output.
   */
  abort(run: ActiveRun<TAction>, status: 'canceled' | 'timed-out', reason: string): void {
    if (run.state === 'done' || run.state === 'aborting') return;
    if (status === 'canceled') run.noRetry = true;
    if (run.state === 'waiting') {
      this.finish(run, { status, error: reason });
      return;
    }
    this.#release(run);
    const wait = run.deadline('abort-wait', this.deps.clock.now() + ABORT_WAIT_MS);
    run.state = 'aborting';
    run.abort = { status, error: reason, wait };
    this.abortingCount++;
    this.deps.heap.push(wait);
    run.abortReason = status === 'timed-out' ? timeoutReason(run.timeoutMs) : new Error(reason);
    run.controller?.abort(run.abortReason);
  }

  /** A run's deadline fell due: a timeout aborts it, an abort wait ends its record without output. */
  deadlinePassed(node: RunDeadline<TAction>): void {
    const { run } = node;
    if (node.kind === 'timeout') {
      this.abort(run, 'timed-out', ABORT_REASON.timedOut(run.timeoutMs));
      return;
    }
    this.deps.logger.warn(
      `TaskScheduler: run ${run.record.runId} of task '${run.task.def.name}' was aborted but its runner did not report within ${ABORT_WAIT_MS} ms; its record ends without output`,
    );
    this.finish(run, { status: run.abort?.status ?? 'canceled', error: run.abort?.error ?? null });
  }

  /** Cancels every waiting run (of one task, or all) at once. */
  cancelWaiting(reason: string, task?: RegisteredTask<TAction>): void {
    for (const run of this.deps.queue.snapshot())
      if (task === undefined || run.task === task)
        this.finish(run, { status: 'canceled', error: reason });
  }

  /** Gives back a running run's slot and drops its timeout. */
  #release(run: ActiveRun<TAction>): void {
    run.task.running--;
    this.runningCount--;
    if (run.timeout) this.deps.heap.remove(run.timeout);
  }

  /** Frees what the run held: its slot, its abort wait, or its place in the queue. */
  #leave(run: ActiveRun<TAction>, reported: RunOutcome): RunOutcome {
    if (run.state === 'running') this.#release(run);
    else if (run.state === 'aborting' && run.abort) {
      this.deps.heap.remove(run.abort.wait);
      this.abortingCount--;
      return { ...reported, error: reported.error ?? run.abort.error };
    } else if (run.state === 'waiting') {
      run.task.waiting--;
      if (run.byPolicy) run.task.queuedByPolicy--;
      this.deps.queue.remove(run);
    }
    return reported;
  }

  /** A run ended: the runner reported, a waiting run was dropped, or an aborted run's wait ran out. */
  finish(run: ActiveRun<TAction>, reported: RunOutcome): void {
    if (run.state === 'done') return;
    const { task, record } = run;
    const wasRunning = run.state !== 'waiting';
    const outcome = this.#leave(run, reported);
    this.active.delete(record.runId);
    record.exitCode = outcome.exitCode ?? null;
    record.httpStatus = outcome.httpStatus ?? null;
    record.stdout = outcome.stdout ?? null;
    record.stderr = outcome.stderr ?? null;
    record.error = outcome.error ?? null;
    const now = this.deps.clock.now();
    if (outcome.status === 'failed') {
      this.deps.logger.warn(
        `TaskScheduler: task '${task.def.name}' run ${record.runId} failed: ${outcome.error ?? 'no message'}`,
      );
    }
    if (outcome.status === 'succeeded' && task.def.resultCache)
      this.deps.lastResult.remember(task.id, now, record);
    const retrying =
      wasRunning && !task.removed && this.deps.retries.follow(run, outcome.status, now);
    // Chains follow a run that ran, once its last attempt is known (not each try).
    const chained = wasRunning && !retrying ? this.#chained(run, outcome.status, now) : null;
    this.deps.recorder.settle(run, outcome.status);
    if (wasRunning && !task.removed) {
      const s = task.def.schedule;
      if (s.kind === 'routine' && task.running === 0 && task.waiting === 0)
        this.deps.routineIdle(task, now);
    }
    if (chained) for (const c of chained) this.deps.admitChained(chainTrigger(c.task, c.start));
    this.pump();
    this.deps.rearm();
  }

  /**
   * The chained runs a run's end starts, kept in the chain journal before the run's final record
   * is written (the record waits for it), so a crash cannot leave a finished parent without them.
   */
  #chained(
    run: ActiveRun<TAction>,
    status: RunOutcome['status'],
    now: number,
  ): ChainedRun<TAction>[] | null {
    const record = run.record;
    record.status = status;
    const chained = this.deps.chainsAfter(record, now);
    if (chained.length === 0) return null;
    const starts = chained.map((c) => c.start);
    record.chained = starts.map((s) => s.child);
    const { chains, logger } = this.deps;
    run.writes = run.writes.then(() =>
      chains.add(starts).catch((error: unknown) => {
        logger.error(
          `TaskScheduler: keeping the chained runs after run ${record.runId} failed: ${errorText(error)}`,
        );
      }),
    );
    return chained;
  }

  /**
   * A chained run kept from before a restart (the caller found no sign it started): submitted
   * with the run id it was given, or written 'missed' when it waited longer than its task's
   * catch-up deadline (0: none). Dropped from the journal when its task is gone or disabled.
   */
  resumeChain(task: RegisteredTask<TAction> | undefined, start: ChainStart, now: number): boolean {
    if (task === undefined || !task.def.enabled) {
      void this.deps.chains.done(start.child.runId).catch(() => undefined);
      return false;
    }
    const t = chainTrigger(task, start);
    const deadline = task.def.catchUp.deadlineMs;
    if (deadline > 0 && now - start.at > deadline) {
      const run = this.deps.recorder.newRun(t);
      run.record.error = `The run after '${start.parent.name}' (run ${start.parent.runId}) did not start before Crontray stopped and is past its deadline of ${Math.round(deadline / 60_000)} min.`;
      this.deps.recorder.settle(run, 'missed');
      return true;
    }
    this.deps.admitChained(t);
    this.pump();
    return true;
  }

  /**
   * Cancels a run and the retries of its chain not started yet. A waiting run ends 'canceled' at
   * once; a running one is aborted. `runId` may also be a finished attempt whose retry is
   * pending. False when nothing was canceled.
   */
  cancel(runId: string): boolean {
    let canceled = false;
    let chain: string | null = null;
    const run = this.active.get(runId);
    if (run && (run.state === 'waiting' || run.state === 'running')) {
      chain = run.record.firstRunId ?? runId;
      this.abort(run, 'canceled', ABORT_REASON.canceled);
      canceled = true;
    }
    const dropped = this.deps.retries.cancel(chain, runId);
    if (dropped !== null) [chain, canceled] = [dropped, true];
    if (chain !== null) canceled = this.#cancelRetries(chain) || canceled;
    if (canceled) this.pump();
    return canceled;
  }

  /** Cancels the waiting retries of a chain; true when there were any. */
  #cancelRetries(chain: string): boolean {
    let canceled = false;
    for (const run of this.deps.queue.snapshot()) {
      if (run.record.trigger === TRIGGER.retry && run.record.firstRunId === chain) {
        this.abort(run, 'canceled', ABORT_REASON.canceled);
        canceled = true;
      }
    }
    return canceled;
  }

  /** A Run now answered from the memo: a finished 'succeeded' run copying the remembered one. */
  fromMemo(t: Trigger<RegisteredTask<TAction>>, memo: RunRecord, now: number): ActiveRun<TAction> {
    const run = this.deps.recorder.newRun(t);
    Object.assign(run.record, {
      ...memo,
      runId: run.record.runId,
      firstRunId: run.record.runId,
      trigger: run.record.trigger,
      scheduledFor: now,
      startedAt: now,
      endedAt: now,
      heartbeatAt: null,
      attempt: 1,
      sessionId: run.record.sessionId,
      fromCache: true,
    } satisfies Partial<RunRecord>);
    this.deps.recorder.settle(run, 'succeeded');
    return run;
  }
}

/** What a chained run's action is told about its parent. */
function parentContext(start: ChainStart): ParentRun {
  const { runId, name, status, outputTail } = start.parent;
  return { runId, taskName: name, status, outputTail };
}
