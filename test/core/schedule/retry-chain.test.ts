import { describe, it, expect } from 'vitest';
import { MIN, SEC, T0, makeScheduler } from './scheduler-fixture.js';

describe('retries', () => {
  it('retries with exponential backoff capped at retryMaxDelayMs, each attempt its own record linked to the first', async () => {
    const { scheduler, clock, finals } = makeScheduler();
    const times: number[] = [];
    await scheduler.scheduleOnce({
      name: 'flaky',
      at: T0 + SEC,
      maxRetries: 4,
      retryDelayMs: 1000,
      backoffFactor: 3,
      retryMaxDelayMs: 5000,
      action: () => {
        times.push(clock.now() - T0);
        throw new Error(`fail ${times.length}`);
      },
    });
    scheduler.start();
    await clock.advance(30 * SEC);
    // first at 1 s, then +1 s, +3 s, +5 s (9 s capped), +5 s
    expect(times).toEqual([1000, 2000, 5000, 10000, 15000]);
    const records = finals();
    expect(records.map((r) => [r.trigger, r.attempt, r.status])).toEqual([
      ['schedule', 1, 'failed'],
      ['retry', 2, 'failed'],
      ['retry', 3, 'failed'],
      ['retry', 4, 'failed'],
      ['retry', 5, 'failed'],
    ]);
    const firstId = records[0]?.runId;
    expect(records.every((r) => r.firstRunId === firstId)).toBe(true);
  });

  it('cancel also drops the pending retry of the run’s chain', async () => {
    const { scheduler, clock, finals } = makeScheduler();
    let calls = 0;
    await scheduler.scheduleOnce({
      name: 'flaky',
      at: T0 + SEC,
      maxRetries: 3,
      retryDelayMs: 10 * SEC,
      action: () => {
        calls++;
        throw new Error('down');
      },
    });
    scheduler.start();
    await clock.advance(2 * SEC);
    const first = finals()[0];
    expect(first?.status).toBe('failed');
    expect(scheduler.cancel(first?.runId ?? '')).toBe(true);
    expect(scheduler.cancel(first?.runId ?? '')).toBe(false);
    await clock.advance(MIN);
    expect(calls).toBe(1);
    expect(finals()).toHaveLength(1);
  });
});
