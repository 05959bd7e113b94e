import type { RunRecord } from '../model/run.js';
import type { AlertRules } from './alert-config.js';

/** How many of a task's recent run durations are kept for the p95 rule. */
export const DURATION_HISTORY = 100;
/** The p95 rule waits for this many runs of the task's own history. */
export const P95_MIN_RUNS = 10;

/** What the rules remember about one task between runs. */
export interface TaskWatch {
  consecutiveFailures: number;
  /** Durations (ms) of recent finished runs, oldest first. */
  durations: number[];
  /** The open incident, if any. */
  incidentId: string | null;
  /** The user acknowledged this failure episode: no new incident until the task succeeds. */
  acknowledged: boolean;
  /** Dead man's switch: due times up to this one have been judged. */
  checkedThrough: number | null;
  /** Dead man's switch: the latest due time whose run started (or was reported) in time. */
  onTimeThrough: number | null;
  /** The open missed-run incident, if any. */
  missedIncidentId: string | null;
}

export const emptyWatch = (): TaskWatch => ({
  consecutiveFailures: 0,
  durations: [],
  incidentId: null,
  acknowledged: false,
  checkedThrough: null,
  onTimeThrough: null,
  missedIncidentId: null,
});

/** What a finished run means for alerts. */
export type Verdict =
  | { kind: 'failure'; failures: number }
  | { kind: 'recovery' }
  | { kind: 'slow'; durationMs: number; limitMs: number; why: string };

/** The 95th percentile (nearest rank) of `values`. */
export function p95(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil(0.95 * sorted.length));
  return sorted[rank - 1] ?? 0;
}

function slowVerdict(watch: TaskWatch, rules: AlertRules, durationMs: number): Verdict | null {
  const { limitMs, p95Factor } = rules.slow;
  if (limitMs !== null && durationMs > limitMs)
    return { kind: 'slow', durationMs, limitMs, why: 'the fixed limit' };
  if (p95Factor !== null && watch.durations.length >= P95_MIN_RUNS) {
    const limit = Math.round(p95(watch.durations) * p95Factor);
    if (durationMs > limit)
      return {
        kind: 'slow',
        durationMs,
        limitMs: limit,
        why: `${p95Factor} × the p95 of its last ${watch.durations.length} runs`,
      };
  }
  return null;
}

/**
 * Applies one finished run to a task's watch. Failed and timed-out runs count towards the
 * failure threshold; a success ends the episode (and closes the incident: a recovery). Skipped,
 * missed, canceled and interrupted runs say nothing about the task's health and change nothing.
 * The caller opens and closes incidents from the verdicts; the watch only remembers the id.
 */
export function evaluateRun(
  before: TaskWatch,
  rules: AlertRules,
  run: RunRecord,
): { watch: TaskWatch; verdicts: Verdict[] } {
  const watch: TaskWatch = { ...before, durations: before.durations };
  const verdicts: Verdict[] = [];
  const ran = run.status === 'succeeded' || run.status === 'failed' || run.status === 'timed-out';
  if (!ran) return { watch, verdicts };
  if (run.startedAt !== null && run.endedAt !== null) {
    const durationMs = run.endedAt - run.startedAt;
    const slow = slowVerdict(before, rules, durationMs);
    if (slow) verdicts.push(slow);
    watch.durations = [...before.durations, durationMs].slice(-DURATION_HISTORY);
  }
  if (run.status === 'succeeded') {
    if (before.incidentId !== null && rules.recovery) verdicts.push({ kind: 'recovery' });
    watch.consecutiveFailures = 0;
    watch.acknowledged = false;
    return { watch, verdicts };
  }
  watch.consecutiveFailures = before.consecutiveFailures + 1;
  if (
    watch.consecutiveFailures >= rules.failureAfter &&
    before.incidentId === null &&
    !before.acknowledged
  ) {
    verdicts.push({ kind: 'failure', failures: watch.consecutiveFailures });
  }
  return { watch, verdicts };
}
