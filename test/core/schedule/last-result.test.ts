import { describe, it, expect } from 'vitest';
import { HOUR, MIN, SEC, T0, makeScheduler } from './scheduler-fixture.js';

describe('the Run-now result memo', () => {
  it('runNow returns a recent cached result when the task has a result cache policy', async () => {
    const { scheduler, clock } = makeScheduler();
    let n = 0;
    const id = await scheduler.scheduleOnce({
      name: 'cached',
      at: T0 + HOUR,
      resultCache: { expireMs: HOUR, toleranceSeconds: 60 },
      action: () => ++n,
    });
    const first = await (await scheduler.runNow(id)).done;
    await clock.advance(30 * SEC);
    const second = await (await scheduler.runNow(id)).done;
    await clock.advance(MIN);
    const third = await (await scheduler.runNow(id, { toleranceSeconds: 10 })).done;
    expect([first.fromCache, second.fromCache, third.fromCache]).toEqual([false, true, false]);
    expect(n).toBe(2);
  });
});
