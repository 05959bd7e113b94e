import { describe, expect, it } from 'vitest';
import { alertRules } from '../../../main/core/alerts/alert-config.js';
import { emptyWatch, evaluateRun, p95 } from '../../../main/core/alerts/alert-rules.js';
import type { TaskWatch, Verdict } from '../../../main/core/alerts/alert-rules.js';
import { applyOutputRules } from '../../../main/core/alerts/output-rules.js';
import { finished, VirtualClock, T0 } from './monitor-fixture.js';

const clock = new VirtualClock(T0);

function feed(
  statuses: ('succeeded' | 'failed' | 'timed-out' | 'skipped')[],
  rules = alertRules.parse({}),
  durations: number[] = [],
): { watch: TaskWatch; verdicts: Verdict[][] } {
  let watch = emptyWatch();
  const verdicts: Verdict[][] = [];
  statuses.forEach((status, i) => {
    const out = evaluateRun(watch, rules, finished(clock, status, {}, durations[i] ?? 1000));
    watch = out.watch;
    // The monitor opens an incident on a failure verdict and closes it on success.
    if (out.verdicts.some((v) => v.kind === 'failure')) watch = { ...watch, incidentId: 'i' };
    if (status === 'succeeded') watch = { ...watch, incidentId: null };
    verdicts.push(out.verdicts);
  });
  return { watch, verdicts };
}

describe('alert rules', () => {
  it('alerts once when a task fails three times in a row with failureAfter 3, not on each failure', () => {
    const { verdicts } = feed(
      ['failed', 'timed-out', 'failed', 'failed', 'failed'],
      alertRules.parse({ failureAfter: 3 }),
    );
    expect(verdicts.map((v) => v.map((x) => x.kind))).toEqual([[], [], ['failure'], [], []]);
    expect(verdicts[2]).toEqual([{ kind: 'failure', failures: 3 }]);
  });

  it('does not alert when failures are interrupted by a success before the threshold', () => {
    const { verdicts } = feed(
      ['failed', 'succeeded', 'failed'],
      alertRules.parse({ failureAfter: 2 }),
    );
    expect(verdicts.flat()).toEqual([]);
  });

  it('reports a recovery on the first success after an incident, and only then', () => {
    const { verdicts } = feed(['failed', 'failed', 'succeeded', 'succeeded']);
    expect(verdicts.map((v) => v.map((x) => x.kind))).toEqual([['failure'], [], ['recovery'], []]);
  });

  it('skipped runs neither count as failures nor end an episode', () => {
    const { watch } = feed(['failed', 'skipped', 'failed'], alertRules.parse({ failureAfter: 5 }));
    expect(watch.consecutiveFailures).toBe(2);
  });

  it('an acknowledged episode opens no new incident until the task succeeds', () => {
    const rules = alertRules.parse({});
    const acked: TaskWatch = { ...emptyWatch(), consecutiveFailures: 1, acknowledged: true };
    expect(evaluateRun(acked, rules, finished(clock, 'failed')).verdicts).toEqual([]);
    const after = evaluateRun(acked, rules, finished(clock, 'succeeded')).watch;
    expect(evaluateRun(after, rules, finished(clock, 'failed')).verdicts).toEqual([
      { kind: 'failure', failures: 1 },
    ]);
  });

  it('a run longer than the fixed limit is slow', () => {
    const rules = alertRules.parse({ slow: { limitMs: 5000 } });
    expect(
      evaluateRun(emptyWatch(), rules, finished(clock, 'succeeded', {}, 5001)).verdicts,
    ).toEqual([{ kind: 'slow', durationMs: 5001, limitMs: 5000, why: 'the fixed limit' }]);
    expect(
      evaluateRun(emptyWatch(), rules, finished(clock, 'succeeded', {}, 5000)).verdicts,
    ).toEqual([]);
  });

  it('p95 × factor judges a run slow only once the task has ten runs of history', () => {
    const rules = alertRules.parse({ slow: { p95Factor: 2 } });
    const nine = feed(Array<'succeeded'>(9).fill('succeeded'), rules, Array<number>(9).fill(1000));
    expect(
      evaluateRun(nine.watch, rules, finished(clock, 'succeeded', {}, 60_000)).verdicts,
    ).toEqual([]);
    const ten = feed(Array<'succeeded'>(10).fill('succeeded'), rules, [
      ...Array<number>(9).fill(1000),
      1500,
    ]);
    expect(p95(ten.watch.durations)).toBe(1500);
    expect(evaluateRun(ten.watch, rules, finished(clock, 'succeeded', {}, 3000)).verdicts).toEqual(
      [],
    );
    expect(evaluateRun(ten.watch, rules, finished(clock, 'succeeded', {}, 3001)).verdicts).toEqual([
      { kind: 'slow', durationMs: 3001, limitMs: 3000, why: '2 × the p95 of its last 10 runs' },
    ]);
  });
});

describe('output rules', () => {
  const out = (text: string) => ({
    head: text,
    tail: '',
    truncated: false,
    totalBytes: text.length,
  });

  it('a run that exits 0 but prints a line matching the failure pattern is failed, naming the rule', () => {
    const judged = applyOutputRules(
      {
        status: 'succeeded',
        exitCode: 0,
        stdout: out('copying\nTraceback (most recent call last):\n'),
      },
      { failurePattern: 'ERROR|Traceback', successPattern: null },
    );
    expect(judged.outcome.status).toBe('failed');
    expect(judged.rule).toBe('failure pattern /ERROR|Traceback/ matched');
    expect(judged.outcome.error).toBe(
      'Output rule: failure pattern /ERROR|Traceback/ matched: Traceback (most recent call last):',
    );
  });

  it('a run lacking the required success pattern is failed', () => {
    const judged = applyOutputRules(
      { status: 'succeeded', exitCode: 0, stdout: out('nothing to do\n') },
      { failurePattern: null, successPattern: '^backup complete$' },
    );
    expect(judged.outcome.status).toBe('failed');
    expect(judged.rule).toBe('success pattern /^backup complete$/ not found');
  });

  it('a run that prints the success line stays succeeded, and a failed run stays failed', () => {
    const rules = { failurePattern: 'ERROR', successPattern: '^backup complete$' };
    expect(
      applyOutputRules({ status: 'succeeded', stdout: out('x\nbackup complete\n') }, rules).rule,
    ).toBeNull();
    expect(applyOutputRules({ status: 'failed', exitCode: 3 }, rules).outcome.status).toBe(
      'failed',
    );
  });
});
