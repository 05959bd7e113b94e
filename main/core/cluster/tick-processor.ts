import type { Job, Queue } from 'bullmq';
import { UnrecoverableError } from 'bullmq';
import type { ActionRunner, RunOutcome } from '../actions/runner.js';
import { timeoutReason } from '../actions/run-signal.js';
import type { Action } from '../model/action.js';
import { actionSchema } from '../model/action.js';
import type { RunRecord, RunTrigger } from '../model/run.js';
import type { Logger } from '../log/logger.js';
import type { RunRecordInput } from '../store/run-records.js';
import { clusterRunId, instantRunId, planTick } from './catch-up-plan.js';
import type { RunHold } from './cluster-hold.js';
import type { ClusterKey } from './cluster-key.js';
import type { TickData } from './cluster-payloads.js';
import { firstIssue, tickData } from './cluster-payloads.js';
import type { HoldCount, RunGate } from './run-gate.js';
import type { HeldLock, TaskLocks } from './task-lock.js';
import { baseRecord, planRetake, recordPlan } from './tick-plan.js';
import type { TickBoundary } from './tick-boundary.js';
import { dueOf, leadOf } from './tick-boundary.js';

/** What the processor needs from the worker around it. */
export interface TickProcessorParts {
  worker: string;
  queue: string;
  key: ClusterKey;
  runner: ActionRunner<Action>;
  locks: TaskLocks;
  /** The results queue, several records to a job (ResultBatcher). */
  results: { send(record: RunRecordInput): Promise<void> };
  /** The task's queue, for catch-up runs the plan adds. */
  tasks: Queue;
  logger: Logger;
  /** Called when a job carries an action for another cluster key: the worker refuses to go on. */
  onWrongKey(message: string): void;
  /** When BullMQ planned each taken job's successor: the end of the job's own due instants. */
  boundary: TickBoundary;
  /** The desktop's "Do not run until …": why a run must not start now, or null. */
  hold: RunHold;
  /** Holds a job handed early until its instant, and bounds the runs at once. */
  gate: RunGate;
  /** The BullMQ worker that took the job: told how many it holds. */
  taker: HoldCount;
  /** Aborts this worker's runs of a task (overlap 'replace' elsewhere asked for it). */
  registerRun(taskId: string, jobId: string, controller: AbortController): () => void;
  /** Asks every worker to stop the task's runs in flight (overlap 'replace'). */
  requestCancel(taskId: string, jobId: string): Promise<void>;
}

/**
 * A run tells the controller it started (a 'running' record, through BullMQ's job progress) only
 * once it has run this long. For the many runs shorter than that, the 'running' record was
 * overwritten by the final one a moment later, and sending it cost a Redis script and an event on
 * the worker and a record write on the controller for each run. The price: a worker killed in a
 * run's first half second leaves no 'interrupted' record of that attempt (its retry has one).
 */
export const RUNNING_NOTICE_MS = 500;

/** The Crontray retry delay for BullMQ's custom backoff: retryDelayMs * factor^(n-1), capped. */
export function retryDelay(data: TickData, attemptsMade: number): number {
  const { retryDelayMs, backoffFactor, retryMaxDelayMs } = data.retry;
  return Math.min(retryMaxDelayMs, retryDelayMs * backoffFactor ** Math.max(0, attemptsMade - 1));
}

/**
 * Runs one BullMQ job of a task queue: checks the payload and the key, applies the catch-up plan
 * (first attempt of a scheduler tick), the overlap policy (a lock with a lease shared by every
 * worker), the timeout (enforced here: the open-source BullMQ has none), and hands every record
 * to the results queue. A failed run with retries left throws, so BullMQ retries it with backoff.
 */
export async function processTick(
  parts: TickProcessorParts,
  job: Job,
  signal: AbortSignal | undefined,
): Promise<string> {
  const data = checkedTick(parts, job);
  const due = dueOf(job, data);
  // Before the first await: BullMQ takes the next job as soon as this returns its promise.
  const held = parts.gate.hold(due, parts.taker);
  try {
    const base = await tickRun(parts, job, data, due);
    if (base === 'missed') return 'missed';
    const action = await readAction(parts, data, base);
    await held.until();
    // Asked at the instant: a hold set while the job was held early still applies.
    const holdReason = parts.hold.reason(base.scheduledFor, base.trigger);
    if (holdReason !== null) {
      await sendResult(parts, {
        ...base,
        status: 'skipped',
        skipReason: 'do-not-run-until',
        startedAt: null,
        endedAt: Date.now(),
        error: holdReason,
      });
      return 'skipped';
    }
    return await runTick(parts, { job, data, base, action }, signal);
  } finally {
    held.done();
  }
}

/** The record fields of this attempt: who, when, which run id, why it runs. */
type TickBase = ReturnType<typeof baseRecord> & {
  runId: string;
  attempt: number;
  firstRunId: string | null;
  worker: string;
};

/** The job's payload, refused when it is not a Crontray run or was sealed under another key. */
function checkedTick(parts: TickProcessorParts, job: Job): TickData {
  const parsed = tickData.safeParse(job.data);
  if (!parsed.success) {
    const message = `Cluster worker: job ${job.id ?? '?'} on queue ${parts.queue} is not a Crontray run (${firstIssue(parsed.error, 'data')}); it was not run`;
    parts.logger.error(message);
    throw new UnrecoverableError(message);
  }
  const data = parsed.data;
  if (data.keyId !== parts.key.id) {
    const message = `Cluster worker ${parts.worker}: task '${data.name}' was sent under cluster key ${data.keyId}, but this worker has key ${parts.key.id}; copy cluster.key from the controller's data folder to this worker`;
    parts.onWrongKey(message);
    throw new Error(message);
  }
  return data;
}

/**
 * What this attempt is: a scheduler tick's first attempt goes through the catch-up plan first
 * ('missed' when the plan does not run it), a later one is a retry.
 */
async function tickRun(
  parts: TickProcessorParts,
  job: Job,
  data: TickData,
  scheduledFor: number,
): Promise<TickBase | 'missed'> {
  const jobId = job.id ?? 'job';
  const attempt = Math.max(job.attemptsStarted, job.attemptsMade + 1);
  let trigger: RunTrigger = data.trigger ?? 'schedule';
  // Read for every job, so a retry's or catch-up's entry never lingers.
  const coveredTo = parts.boundary.take(job);
  if (attempt === 1 && data.trigger === undefined) {
    const lead = leadOf(job);
    const now = Date.now();
    const plan = planTick(data, scheduledFor, coveredTo ?? (job.processedOn ?? now) + lead, now);
    await recordPlan(parts, data, plan, { scheduledFor, lead });
    const mine = plan.run.find((r) => r.at === scheduledFor);
    if (mine === undefined) return 'missed';
    trigger = mine.trigger;
  }
  if (attempt > 1) trigger = 'retry';
  // Retaken after a stall (never failed): the first worker may have died before planning the
  // scheduler's next job, which leaves the instants up to it to this attempt.
  if (
    attempt > 1 &&
    data.trigger === undefined &&
    job.attemptsMade === 0 &&
    coveredTo !== undefined
  ) {
    await planRetake(parts, job, data, { scheduledFor, coveredTo, lead: leadOf(job) });
  }
  // A due instant's first attempt is named by the instant, so it replaces a miss recorded for it.
  const firstRunId =
    data.trigger === undefined || data.trigger === 'catch-up' || data.trigger === 'schedule'
      ? instantRunId(data.taskId, scheduledFor)
      : clusterRunId(jobId, 1);
  return {
    ...baseRecord(data, scheduledFor, trigger),
    runId: attempt === 1 ? firstRunId : clusterRunId(jobId, attempt),
    attempt,
    firstRunId: attempt > 1 ? firstRunId : null,
    worker: parts.worker,
  };
}

/** The action, opened with the cluster key; a failed record (never retried) when it cannot be. */
async function readAction(
  parts: TickProcessorParts,
  data: TickData,
  base: TickBase,
): Promise<Action> {
  try {
    return actionSchema.parse(JSON.parse(await parts.key.decrypt(data.action)));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    await sendResult(parts, {
      ...base,
      status: 'failed',
      startedAt: null,
      endedAt: Date.now(),
      error: `Cluster worker ${parts.worker} could not read the action: ${reason}`,
    });
    throw new UnrecoverableError(reason);
  }
}

/** The run itself, under the task's lock: skipped when busy, else run, recorded, maybe retried. */
async function runTick(
  parts: TickProcessorParts,
  tick: { job: Job; data: TickData; base: TickBase; action: Action },
  signal: AbortSignal | undefined,
): Promise<string> {
  const { job, data, base, action } = tick;
  const { runId, attempt, trigger, scheduledFor } = base;
  const jobId = job.id ?? 'job';
  const send = (record: RunRecordInput) => sendResult(parts, record);
  // One signal for everything that stops this run: replace, the timeout, BullMQ's own. (Node 20's
  // AbortSignal.any was a twentieth of a worker's time at a thousand runs a second.)
  const cancel = new AbortController();
  const follow = () => cancel.abort(signal?.reason);
  if (signal?.aborted) follow();
  signal?.addEventListener('abort', follow, { once: true });
  const lock = await takeLock(parts, data, trigger, jobId, cancel.signal);
  if (lock === 'busy') {
    await send({
      ...base,
      status: 'skipped',
      skipReason: 'overlap',
      startedAt: null,
      endedAt: Date.now(),
      error: `Skipped: ${busyReason(data)}.`,
    });
    return 'skipped';
  }
  const unregister = parts.registerRun(data.taskId, jobId, cancel);
  // The slot is the run's only: the lock before it and the record after it are Redis round
  // trips, paid by all the runs due at one instant together, not one slot's worth at a time.
  const free = await parts.gate.slot();
  const startedAt = Date.now();
  const notice = setTimeout(() => {
    const started = { runId, startedAt, worker: parts.worker, attempt, trigger, scheduledFor };
    const progress = { ...started, taskId: data.taskId, firstRunId: base.firstRunId };
    job.updateProgress(progress).catch(() => undefined);
  }, RUNNING_NOTICE_MS);
  try {
    const outcome = await runWithTimeout(parts, action, data, { runId, attempt, trigger }, cancel);
    free();
    clearTimeout(notice);
    const record: RunRecordInput = {
      ...base,
      ...outcomeFields(outcome),
      startedAt,
      endedAt: Date.now(),
    };
    // The lock goes back while the record travels: the task's next run need not wait for it.
    await Promise.all([send(record), lock?.release()]);
    const retriesLeft = attempt <= data.retry.maxRetries;
    if ((outcome.status === 'failed' || outcome.status === 'timed-out') && retriesLeft) {
      throw new Error(outcome.error ?? `run ${outcome.status}`);
    }
    return outcome.status;
  } finally {
    free();
    clearTimeout(notice);
    signal?.removeEventListener('abort', follow);
    unregister();
    if (lock !== null) await lock.release();
  }
}

async function takeLock(
  parts: TickProcessorParts,
  data: TickData,
  trigger: RunTrigger,
  jobId: string,
  signal: AbortSignal,
): Promise<HeldLock | null | 'busy'> {
  // Catch-ups and retries wait for the run before them, as the local engine's forced runs do.
  const policy =
    data.overlap === 'skip' && trigger !== 'schedule' && trigger !== 'manual'
      ? 'queue'
      : data.overlap;
  // A run the schedule or a person started waits in a bounded line, as on one machine.
  const bounded = trigger === 'schedule' || trigger === 'manual';
  switch (policy) {
    case 'parallel':
      return parts.locks.acquire(data.taskId, jobId, signal, {
        slots: data.maxConcurrent,
        maxWaiting: bounded ? data.maxConcurrent : null,
      });
    case 'skip':
      return (await parts.locks.tryAcquire(data.taskId, jobId)) ?? 'busy';
    case 'replace':
      await parts.requestCancel(data.taskId, jobId);
      return parts.locks.acquire(data.taskId, jobId, signal);
    case 'queue':
      return parts.locks.acquire(data.taskId, jobId, signal, {
        slots: 1,
        maxWaiting: bounded ? 1 : null,
      });
  }
}

/** Why a run was skipped, in the local engine's words. */
function busyReason(data: TickData): string {
  switch (data.overlap) {
    case 'parallel':
      return `${data.maxConcurrent} runs were running and ${data.maxConcurrent} queued (overlap policy 'parallel')`;
    case 'queue':
      return `a run was already queued behind the running one (overlap policy 'queue')`;
    default:
      return `the previous run of '${data.name}' is still running (overlap policy 'skip')`;
  }
}

async function runWithTimeout(
  parts: TickProcessorParts,
  action: Action,
  data: TickData,
  run: { runId: string; attempt: number; trigger: RunTrigger },
  cancel: AbortController,
): Promise<RunOutcome> {
  const timer =
    data.timeoutMs > 0
      ? setTimeout(() => cancel.abort(timeoutReason(data.timeoutMs)), data.timeoutMs)
      : null;
  const signal = cancel.signal;
  try {
    return await parts.runner.run(action, {
      runId: run.runId,
      taskId: data.taskId,
      attempt: run.attempt,
      trigger: run.trigger,
      signal,
      timeoutMs: data.timeoutMs,
    });
  } finally {
    if (timer !== null) clearTimeout(timer);
  }
}

function outcomeFields(outcome: RunOutcome): Partial<RunRecord> & Pick<RunRecord, 'status'> {
  return {
    status: outcome.status,
    exitCode: outcome.exitCode ?? null,
    httpStatus: outcome.httpStatus ?? null,
    stdout: outcome.stdout ?? null,
    stderr: outcome.stderr ?? null,
    error: outcome.error ?? null,
  };
}

async function sendResult(parts: TickProcessorParts, record: RunRecordInput): Promise<void> {
  await parts.results.send(record);
}
