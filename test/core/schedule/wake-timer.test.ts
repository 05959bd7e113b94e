import { describe, it, expect } from 'vitest';
import { MIN, SEC, T0, makeScheduler } from './scheduler-fixture.js';

describe('the one timer', () => {
  it('keeps exactly one timer armed for many tasks, and none once stopped', async () => {
    const { scheduler, clock } = makeScheduler();
    for (let i = 0; i < 50; i++)
      await scheduler.scheduleCron({
        name: `t${i}`,
        pattern: `${i % 60} * * * * *`,
        action: () => i,
      });
    expect(clock.pendingTimers()).toBe(0);
    scheduler.start();
    expect(clock.pendingTimers()).toBe(1);
    await clock.advance(2 * MIN);
    expect(clock.pendingTimers()).toBe(1);
    await scheduler.stop();
    expect(clock.pendingTimers()).toBe(0);
  });

  it('never sleeps longer than maxSleepMs even when the next task is a day away', async () => {
    const { scheduler, clock } = makeScheduler({ maxSleepMs: 30_000 });
    await scheduler.scheduleCron({
      name: 'daily',
      pattern: '0 9 * * *',
      timezone: 'UTC',
      action: () => 1,
    });
    let wakes = 0;
    const inner = clock.setTimer.bind(clock);
    clock.setTimer = (fn, ms) => {
      expect(ms).toBeLessThanOrEqual(30_000);
      return inner(() => {
        wakes++;
        fn();
      }, ms);
    };
    scheduler.start();
    await clock.advance(5 * MIN);
    expect(wakes).toBe(10);
  });

  it('wakes exactly at the due second for a per-second cron task', async () => {
    const { scheduler, clock } = makeScheduler();
    const seen: number[] = [];
    await scheduler.scheduleCron({
      name: 'tick',
      pattern: '* * * * * *',
      action: () => seen.push(clock.now()),
    });
    scheduler.start();
    await clock.advance(3 * SEC);
    expect(seen).toEqual([T0 + SEC, T0 + 2 * SEC, T0 + 3 * SEC]);
  });

  it('re-arms when a task is registered with an earlier due time than the armed one', async () => {
    const { scheduler, clock } = makeScheduler();
    const seen: string[] = [];
    await scheduler.scheduleCron({
      name: 'later',
      pattern: '0 9 * * *',
      timezone: 'UTC',
      action: () => seen.push('later'),
    });
    scheduler.start();
    await clock.advance(10 * SEC);
    await scheduler.scheduleInterval({
      name: 'soon',
      everyMs: 500,
      maxCycles: 1,
      action: () => seen.push(`soon@${clock.now() - T0}`),
    });
    await clock.advance(SEC);
    expect(seen).toEqual(['soon@10500']);
  });
});
