import { describe, expect, it } from 'vitest';
import { planTick } from '../../../main/core/cluster/index.js';
import type { TickData } from '../../../main/core/cluster/cluster-payloads.js';
import type { CatchUpPolicy } from '../../../main/core/model/task.js';

const T0 = Date.parse('2026-12-01T12:00:00Z');

/** A per-second task, as a worker reads it from its job. */
function tick(policy: CatchUpPolicy, cap = 10, deadlineMs = 0): TickData {
  return {
    v: 1,
    taskId: 't1',
    project: 'default',
    group: 'default',
    name: 'beat',
    fingerprint: 'f',
    keyId: 'k',
    action: 'x',
    schedule: { kind: 'cron', pattern: '* * * * * *', dayMatch: 'or' },
    timezone: 'UTC',
    createdAt: 0,
    timeoutMs: 0,
    overlap: 'skip',
    maxConcurrent: 1,
    catchUp: { policy, cap, deadlineMs },
    retry: { maxRetries: 0, retryDelayMs: 1000, backoffFactor: 2, retryMaxDelayMs: 60_000 },
    graceMs: 2000,
  };
}

describe('ticks missed while every worker was down follow the catch-up policy', () => {
  it('a tick taken within the grace period simply runs', () => {
    expect(planTick(tick('none'), T0, T0 + 150)).toEqual({
      run: [{ at: T0, trigger: 'schedule' }],
      missed: [],
      missedUncounted: 0,
    });
  });

  it("with 'none', five seconds without workers are five missed runs and the current second runs", () => {
    const plan = planTick(tick('none'), T0, T0 + 5100);
    expect(plan.missed).toEqual([T0, T0 + 1000, T0 + 2000, T0 + 3000, T0 + 4000]);
    // The newest second is within the grace period: it runs as an ordinary tick.
    expect(plan.run).toEqual([{ at: T0 + 5000, trigger: 'schedule' }]);
  });

  it("with 'latest', hours without workers run the newest missed hour once, as a catch-up", () => {
    const hourly: TickData = {
      ...tick('latest'),
      schedule: { kind: 'cron', pattern: '0 * * * *', dayMatch: 'or' },
    };
    const plan = planTick(hourly, T0, T0 + 2 * 3600_000 + 30 * 60_000);
    expect(plan.run).toEqual([{ at: T0 + 2 * 3600_000, trigger: 'catch-up' }]);
    expect(plan.missed).toEqual([T0, T0 + 3600_000]);
  });

  it("with 'all', every missed second runs as a catch-up, up to the cap", () => {
    const plan = planTick(tick('all', 3), T0, T0 + 5100);
    expect(plan.run).toEqual([
      { at: T0 + 2000, trigger: 'catch-up' },
      { at: T0 + 3000, trigger: 'catch-up' },
      { at: T0 + 4000, trigger: 'catch-up' },
      { at: T0 + 5000, trigger: 'schedule' },
    ]);
    expect(plan.missed).toEqual([T0, T0 + 1000]);
  });

  it('a miss older than the deadline is only recorded, never run', () => {
    const hourly: TickData = {
      ...tick('all', 10, 30 * 60_000),
      schedule: { kind: 'cron', pattern: '0 * * * *', dayMatch: 'or' },
    };
    const plan = planTick(hourly, T0, T0 + 2 * 3600_000 + 45 * 60_000);
    // 12:00 and 13:00 are past the 30-minute deadline; 14:00 was 45 minutes ago: also past.
    expect(plan.run).toEqual([]);
    expect(plan.missed).toEqual([T0, T0 + 3600_000, T0 + 2 * 3600_000]);
  });
});

describe('a tick handed to a worker before its instant', () => {
  it('is run on schedule, at its instant, with nothing recorded missed', () => {
    // Taken 400 ms early; the next job starts after T0 + 100.
    expect(planTick(tick('none'), T0, T0 + 100, T0 - 400)).toEqual({
      run: [{ at: T0, trigger: 'schedule' }],
      missed: [],
      missedUncounted: 0,
    });
  });

  it('taken late, it also runs the instants still ahead up to where the next job starts', () => {
    // Taken 700 ms late with a 500 ms lead: T0 + 1000 is this job's, and it is still ahead.
    expect(planTick(tick('none'), T0, T0 + 1200, T0 + 700)).toEqual({
      run: [
        { at: T0, trigger: 'schedule' },
        { at: T0 + 1000, trigger: 'schedule' },
      ],
      missed: [],
      missedUncounted: 0,
    });
  });

  it('taken after the grace period, its own instant is missed and those ahead still run', () => {
    const plan = planTick(tick('none'), T0, T0 + 3400, T0 + 2900);
    expect(plan.missed).toEqual([T0, T0 + 1000]);
    expect(plan.run).toEqual([
      { at: T0 + 2000, trigger: 'schedule' },
      { at: T0 + 3000, trigger: 'schedule' },
    ]);
  });
});
