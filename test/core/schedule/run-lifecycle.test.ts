import { describe, it, expect } from 'vitest';
import type { ActionRunner, RunContext, RunOutcome } from '../../../main/core/actions/runner.js';
import { isTimeoutReason } from '../../../main/core/actions/run-signal.js';
import { MIN, SEC, T0, deferred, makeScheduler } from './scheduler-fixture.js';

describe('runs and records', () => {
  it('writes running then the final record with the action’s value, and emits events', async () => {
    const { scheduler, clock, sink, events } = makeScheduler();
    const id = await scheduler.scheduleInterval({
      name: 'val',
      everyMs: 1000,
      maxCycles: 1,
      action: () => 42,
    });
    scheduler.start();
    await clock.advance(SEC);
    const writes = sink.records();
    expect(writes.map((r) => r.status)).toEqual(['running', 'succeeded']);
    expect(writes[1]).toMatchObject({
      taskId: id,
      trigger: 'schedule',
      scheduledFor: T0 + SEC,
      startedAt: T0 + SEC,
      attempt: 1,
    });
    // The second task:changed says the task finished its schedule (maxCycles reached).
    expect(events.map((e) => e.type)).toEqual([
      'task:changed',
      'scheduler:state',
      'task:changed',
      'run:started',
      'run:finished',
    ]);
  });

  it('records a throwing action as failed, logs it, and keeps running other tasks', async () => {
    const { scheduler, clock, finals, logger } = makeScheduler();
    let good = 0;
    await scheduler.scheduleInterval({
      name: 'bad',
      everyMs: 1000,
      action: () => {
        throw new Error('boom');
      },
    });
    await scheduler.scheduleInterval({ name: 'good', everyMs: 1000, action: () => good++ });
    scheduler.start();
    await clock.advance(3 * SEC);
    expect(good).toBe(3);
    const bad = finals().filter((r) => r.name === 'bad');
    expect(bad.map((r) => [r.status, r.error])).toEqual([
      ['failed', 'boom'],
      ['failed', 'boom'],
      ['failed', 'boom'],
    ]);
    expect(logger.messages('warn').some((m) => m.includes('boom'))).toBe(true);
  });

  it('survives a sink and an event listener that throw', async () => {
    const { scheduler, clock, logger } = makeScheduler({
      sink: {
        write() {
          throw new Error('disk full');
        },
      },
      onEvent: () => {
        throw new Error('listener bug');
      },
    });
    let runs = 0;
    await scheduler.scheduleInterval({ name: 'x', everyMs: 1000, action: () => runs++ });
    scheduler.start();
    await clock.advance(2 * SEC);
    expect(runs).toBe(2);
    expect(logger.messages().filter((m) => m.includes('disk full')).length).toBeGreaterThan(0);
    expect(logger.messages().filter((m) => m.includes('listener bug')).length).toBeGreaterThan(0);
  });

  it('runPending runs what is due now without a timer and resolves with what ran', async () => {
    const { scheduler, clock } = makeScheduler();
    await scheduler.scheduleCron({ name: 'minute', pattern: '* * * * *', action: () => 'done' });
    expect(await scheduler.runPending()).toEqual([]);
    clock.jump(T0 + MIN);
    const ran = await scheduler.runPending();
    expect(ran.map((r) => [r.name, r.status, r.scheduledFor])).toEqual([
      ['minute', 'succeeded', T0 + MIN],
    ]);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('lets tasks be registered, changed and removed from inside a running action', async () => {
    const { scheduler, clock } = makeScheduler();
    const seen: string[] = [];
    const first = await scheduler.scheduleInterval({
      name: 'first',
      everyMs: 1000,
      action: async () => {
        seen.push('first');
        await scheduler.scheduleInterval({
          name: 'child',
          everyMs: 1000,
          maxCycles: 1,
          action: () => seen.push('child'),
        });
        await scheduler.unschedule(first);
      },
    });
    scheduler.start();
    await clock.advance(3 * SEC);
    expect(seen).toEqual(['first', 'child']);
  });
});

describe('retries, timeouts and cancel', () => {
  it('times a run out: its signal is aborted and the record ends timed-out', async () => {
    const { scheduler, clock, finals } = makeScheduler();
    let aborted = false;
    await scheduler.scheduleOnce({
      name: 'hang',
      at: T0 + SEC,
      timeoutMs: 2500,
      action: (ctx: RunContext) =>
        new Promise<void>(() => {
          ctx.signal.addEventListener('abort', () => {
            aborted = true;
          });
        }),
    });
    scheduler.start();
    await clock.advance(4 * SEC);
    expect(finals().map((r) => [r.status, r.endedAt])).toEqual([['timed-out', T0 + 3500]]);
    expect(finals()[0]?.error).toMatch(/timed out after 2500 ms/);
    expect(aborted).toBe(true);
    expect(clock.pendingTimers()).toBe(1);
  });

  it('cancel ends a running run as canceled and a timeout then does nothing', async () => {
    const { scheduler, clock, finals } = makeScheduler();
    const id = await scheduler.scheduleOnce({
      name: 'long',
      at: T0 + SEC,
      timeoutMs: 60_000,
      maxRetries: 1,
      action: () => new Promise(() => {}),
    });
    scheduler.start();
    const ticket = await scheduler.runNow(id);
    expect(scheduler.cancel(ticket.runId)).toBe(true);
    expect(scheduler.cancel(ticket.runId)).toBe(false);
    expect((await ticket.done).status).toBe('canceled');
    await clock.advance(3 * MIN);
    // canceled runs are not retried; the scheduled one times out at 61 s and its retry at 122 s
    expect(finals().map((r) => `${r.trigger}:${r.status}`)).toEqual([
      'manual:canceled',
      'schedule:timed-out',
      'retry:timed-out',
    ]);
  });
});

describe('aborted runs keep what the runner reports', () => {
  /** A runner like the shell runner: on abort it stops the work and reports, a moment later, with the output so far. */
  function reportingRunner(
    reportAfterMs: Record<string, number | null>,
    clock: { setTimer(fn: () => void, ms: number): unknown },
  ) {
    const reasons: unknown[] = [];
    const runner: ActionRunner<string> = {
      run: (action, ctx) =>
        new Promise<RunOutcome>((resolve) => {
          ctx.signal.addEventListener('abort', () => {
            reasons.push(ctx.signal.reason);
            const after = reportAfterMs[action] ?? null;
            if (after === null) return; // a runner that never reports
            clock.setTimer(
              () =>
                resolve({
                  status: isTimeoutReason(ctx.signal.reason) ? 'timed-out' : 'canceled',
                  exitCode: null,
                  stdout: {
                    head: `${action}: partial`,
                    tail: '',
                    truncated: false,
                    totalBytes: 16,
                  },
                  error: 'stopped by the runner',
                }),
              after,
            );
          });
        }),
    };
    return { runner, reasons };
  }

  it('a timed-out run gets a TimeoutError reason and its record keeps the runner’s status and partial output', async () => {
    const fx = makeScheduler<string>();
    const { runner, reasons } = reportingRunner({ job: 1500 }, fx.clock);
    const { scheduler, finals } = makeScheduler<string>({ clock: fx.clock, runner });
    const clock = fx.clock;
    await scheduler.scheduleOnce({ name: 'hang', at: T0 + SEC, timeoutMs: 2000, action: 'job' });
    scheduler.start();
    await clock.advance(3 * SEC + 100);
    expect(isTimeoutReason(reasons[0])).toBe(true);
    expect(finals().map((r) => r.status)).toEqual(['running']); // the runner is still stopping the work
    await clock.advance(2 * SEC);
    const [record] = finals();
    expect(record?.status).toBe('timed-out');
    expect(record?.stdout?.head).toBe('job: partial');
    expect(record?.error).toBe('stopped by the runner');
    expect(record?.endedAt).toBe(T0 + 4500);
  });

  it('an aborted run whose runner never reports ends without output once the wait bound passes, and the slot is free meanwhile', async () => {
    const fx = makeScheduler<string>();
    const { runner } = reportingRunner({ a: null, b: 500 }, fx.clock);
    const clock = fx.clock;
    const { scheduler, finals, logger } = makeScheduler<string>({
      clock: fx.clock,
      runner,
      globalConcurrency: 1,
    });
    const id = await scheduler.scheduleOnce({
      name: 'stuck',
      at: T0 + SEC,
      timeoutMs: 1000,
      action: 'a',
    });
    const other = await scheduler.scheduleOnce({ name: 'next', at: T0 + 60 * SEC, action: 'b' });
    scheduler.start();
    await clock.advance(2 * SEC);
    const ticket = await scheduler.runNow(other);
    expect(scheduler.get(other)?.running).toBe(1);
    await clock.advance(3 * SEC);
    const stuck = finals().find((r) => r.taskId === id);
    expect(stuck?.status).toBe('timed-out');
    expect(stuck?.stdout).toBeNull();
    expect(stuck?.endedAt).toBe(T0 + 5 * SEC);
    expect(logger.messages().some((m) => m.includes('did not report within 3000 ms'))).toBe(true);
    expect(scheduler.cancel(ticket.runId)).toBe(true);
    await clock.advance(SEC);
    expect((await ticket.done).stdout?.head).toBe('b: partial');
    expect(clock.pendingTimers()).toBe(1);
  });

  it('a runner that first reads its signal after the abort finds it aborted with the timeout reason', async () => {
    const contexts: RunContext[] = [];
    const runner: ActionRunner<string> = {
      run: (_action, ctx) => {
        contexts.push(ctx);
        return new Promise<RunOutcome>(() => {});
      },
    };
    const { scheduler, clock } = makeScheduler<string>({ runner });
    await scheduler.scheduleOnce({
      name: 'late reader',
      at: T0 + SEC,
      timeoutMs: 500,
      action: 'x',
    });
    scheduler.start();
    await clock.advance(2 * SEC);
    const signal = contexts[0]?.signal;
    expect(signal?.aborted).toBe(true);
    expect(isTimeoutReason(signal?.reason)).toBe(true);
  });

  it('an action sees its run and nothing of the engine', async () => {
    const seen: RunContext[] = [];
    const { scheduler, clock } = makeScheduler();
    const id = await scheduler.scheduleOnce({
      name: 'looks around',
      at: T0 + SEC,
      timeoutMs: 5000,
      action: (ctx: RunContext) => void seen.push(ctx),
    });
    scheduler.start();
    await clock.advance(2 * SEC);
    const ctx = seen[0];
    expect(ctx && Object.keys(ctx).sort()).toEqual([
      'attempt',
      'runId',
      'taskId',
      'timeoutMs',
      'trigger',
    ]);
    expect(ctx).toMatchObject({ taskId: id, attempt: 1, trigger: 'schedule', timeoutMs: 5000 });
    expect(ctx?.signal.aborted).toBe(false);
  });

  it('runPending resolves with a run skipped before anyone waited for it', async () => {
    const hold = deferred();
    const { scheduler, clock } = makeScheduler();
    await scheduler.scheduleCron({
      name: 'slow',
      pattern: '* * * * *',
      action: () => hold.promise,
    });
    clock.jump(T0 + MIN);
    const first = scheduler.runPending();
    clock.jump(T0 + 2 * MIN);
    // The first run still holds the task: overlap 'skip' writes the second due time skipped.
    const second = await scheduler.runPending();
    expect(second.map((r) => [r.status, r.scheduledFor])).toEqual([['skipped', T0 + 2 * MIN]]);
    hold.resolve();
    expect((await first).map((r) => r.status)).toEqual(['succeeded']);
  });
});
