import type { RunTrigger } from '../model/run.js';
import type { ChainStart } from './task-chains.js';

/** Why a run starts, as its record's `trigger` says. */
export const TRIGGER = {
  /** The task fell due on time. */
  schedule: 'schedule',
  /** Someone pressed Run now. */
  manual: 'manual',
  /** A due time missed while the scheduler was not running, run late by the catch-up policy. */
  catchUp: 'catch-up',
  /** Another attempt after a failed or timed-out one. */
  retry: 'retry',
  /** The task's "when Crontray starts" event: the scheduler's first start in this process. */
  startup: 'startup',
  /** The task's "after the machine wakes" event: a wake noticed more than a minute late. */
  wake: 'wake',
  /** It runs after another task's run ("after task A"). */
  chain: 'chain',
} as const satisfies Record<string, RunTrigger>;

/** A request to run a task once: what the run queue admits, makes wait or skips. */
export interface Trigger<TTask> {
  task: TTask;
  trigger: RunTrigger;
  /** The due time it stands for; null for a missed-run summary that stands for many. */
  scheduledFor: number | null;
  attempt: number;
  /** The first attempt's runId for a retry; null makes the run its own chain's first. */
  firstRunId: string | null;
  /** Catch-ups and retries wait for a slot instead of being skipped by the overlap policy. */
  forced: boolean;
  /** A chained run: its parent and the run id fixed when the parent ended. */
  chain?: ChainStart;
}

/** A first attempt (attempt 1, its own chain); retries pass `chain`. */
export function triggerOf<TTask>(
  task: TTask,
  trigger: RunTrigger,
  scheduledFor: number | null,
  forced = false,
  chain: { attempt: number; firstRunId: string } | null = null,
): Trigger<TTask> {
  return {
    task,
    trigger,
    scheduledFor,
    attempt: chain?.attempt ?? 1,
    firstRunId: chain?.firstRunId ?? null,
    forced,
  };
}

/** A run after another task's run: not forced (the overlap policy applies), its id fixed. */
export function chainTrigger<TTask>(task: TTask, start: ChainStart): Trigger<TTask> {
  return { ...triggerOf(task, TRIGGER.chain, start.at), chain: start };
}
