import { describe, it, expect } from 'vitest';
import type { RunContext } from '../../../main/core/actions/runner.js';
import { SEC, T0, deferred, makeScheduler } from './scheduler-fixture.js';

describe('overlap policies', () => {
  async function overlapRun(overlap: 'skip' | 'queue' | 'parallel' | 'replace', maxConcurrent = 1) {
    const fx = makeScheduler();
    const gates: Array<() => void> = [];
    const starts: number[] = [];
    const id = await fx.scheduler.scheduleInterval({
      name: 'slow',
      everyMs: 1000,
      overlap,
      maxConcurrent,
      maxCycles: 3,
      action: (ctx: RunContext) =>
        new Promise<void>((resolve, reject) => {
          starts.push(fx.clock.now());
          gates.push(resolve);
          ctx.signal.addEventListener('abort', () => reject(new Error('aborted')));
        }),
    });
    fx.scheduler.start();
    await fx.clock.advance(3 * SEC); // three triggers while the first still runs
    return { ...fx, gates, starts, id };
  }

  it('skip records the overlapping triggers as skipped', async () => {
    const { gates, statuses, scheduler } = await overlapRun('skip');
    expect(statuses()).toEqual(['schedule:running', 'schedule:skipped', 'schedule:skipped']);
    gates[0]?.();
    await scheduler.stop();
    expect(statuses()[0]).toBe('schedule:succeeded');
  });

  it('queue keeps one run waiting and skips the rest; the waiting one starts when the first ends', async () => {
    const { gates, statuses, starts, clock, sink } = await overlapRun('queue');
    expect(statuses()).toEqual(['schedule:running', 'schedule:queued', 'schedule:skipped']);
    gates[0]?.();
    await clock.advance(0);
    expect(starts).toEqual([T0 + SEC, T0 + 3 * SEC]);
    expect(statuses()).toEqual(['schedule:succeeded', 'schedule:running', 'schedule:skipped']);
    const queuedRun = sink.records().filter((r) => r.scheduledFor === T0 + 2 * SEC);
    expect(queuedRun.map((r) => r.status)).toEqual(['queued', 'running']);
  });

  it('parallel starts up to maxConcurrent at once', async () => {
    const { statuses, starts } = await overlapRun('parallel', 2);
    expect(starts).toEqual([T0 + SEC, T0 + 2 * SEC]);
    expect(statuses()).toEqual(['schedule:running', 'schedule:running', 'schedule:queued']);
  });

  it('replace cancels the running run and starts the new one', async () => {
    const { statuses, starts } = await overlapRun('replace');
    expect(starts).toEqual([T0 + SEC, T0 + 2 * SEC, T0 + 3 * SEC]);
    expect(statuses()).toEqual(['schedule:canceled', 'schedule:canceled', 'schedule:running']);
  });
});

describe('concurrency', () => {
  it('starts higher priority first, then earlier due, when more is due than the global limit allows', async () => {
    const { scheduler, clock, sink } = makeScheduler({ globalConcurrency: 1 });
    const order: string[] = [];
    const gate = deferred();
    await scheduler.scheduleOnce({ name: 'blocker', at: T0 + SEC, action: () => gate.promise });
    for (const [name, priority, at] of [
      ['low-early', 0, T0 + 2 * SEC],
      ['high-late', 5, T0 + 3 * SEC],
      ['low-late', 0, T0 + 3 * SEC],
      ['mid', 2, T0 + 3 * SEC],
    ] as const) {
      await scheduler.scheduleOnce({ name, priority, at, action: () => order.push(name) });
    }
    scheduler.start();
    await clock.advance(4 * SEC);
    expect(order).toEqual([]);
    expect(sink.finalRecords().filter((r) => r.status === 'queued')).toHaveLength(4);
    gate.resolve();
    await clock.advance(0);
    expect(order).toEqual(['high-late', 'mid', 'low-early', 'low-late']);
  });

  it('starts tasks due in the same second in the order they were registered, and the ones left waiting in that order too', async () => {
    const { scheduler, clock, sink } = makeScheduler({ globalConcurrency: 2 });
    const order: string[] = [];
    const gates = [deferred(), deferred()];
    for (const name of ['a', 'b', 'c', 'd']) {
      await scheduler.scheduleCron({
        name,
        pattern: '1 0 8 * * *',
        timezone: 'UTC',
        action: () => (order.push(name), gates[order.length - 1]?.promise),
      });
    }
    scheduler.start();
    await clock.advance(SEC);
    expect(order).toEqual(['a', 'b']);
    const waiting = sink.finalRecords().filter((r) => r.status === 'queued');
    expect(waiting.map((r) => r.name)).toEqual(['c', 'd']);
    for (const g of gates) g.resolve();
    await clock.advance(0);
    expect(order).toEqual(['a', 'b', 'c', 'd']);
  });

  it('takes a new global limit at once: more slots start the waiting runs, a limit below 1 is refused', async () => {
    const { scheduler, clock } = makeScheduler({ globalConcurrency: 1 });
    const started: string[] = [];
    for (const name of ['a', 'b', 'c'])
      await scheduler.scheduleOnce({
        ...{ name, at: T0 + SEC },
        action: () => (started.push(name), deferred().promise),
      });
    scheduler.start();
    await clock.advance(SEC);
    expect(started).toEqual(['a']);
    scheduler.setGlobalConcurrency(3);
    await clock.advance(0);
    expect(started).toEqual(['a', 'b', 'c']);
    expect(() => scheduler.setGlobalConcurrency(0)).toThrow(
      expect.objectContaining({ code: 'invalid', field: 'globalConcurrency' }),
    );
  });

  it('starts the higher priority first among tasks due in the same second, whatever order they were registered in', async () => {
    const { scheduler, clock } = makeScheduler({ globalConcurrency: 1 });
    const order: string[] = [];
    for (const [name, priority] of [
      ['low', 0],
      ['high', 5],
      ['low2', 0],
    ] as const) {
      await scheduler.scheduleCron({
        name,
        priority,
        pattern: '1 0 8 * * *',
        timezone: 'UTC',
        action: () => void order.push(name),
      });
    }
    scheduler.start();
    await clock.advance(SEC);
    await clock.advance(0);
    expect(order).toEqual(['high', 'low', 'low2']);
  });

  it('runNow goes through the same overlap path: skipped while a run is going', async () => {
    const { scheduler, clock } = makeScheduler();
    const gate = deferred();
    const id = await scheduler.scheduleOnce({
      name: 'once',
      at: T0 + SEC,
      action: () => gate.promise,
    });
    scheduler.start();
    await clock.advance(SEC);
    const ticket = await scheduler.runNow(id);
    expect(await ticket.done).toMatchObject({ status: 'skipped', trigger: 'manual' });
    gate.resolve();
  });
});
