import { describe, it, expect } from 'vitest';
import type { ActionRunner, RunContext, RunOutcome } from '../../../main/core/actions/runner.js';
import { isTimeoutReason } from '../../../main/core/actions/run-signal.js';
import { MemoryTaskStateStore } from '../../../main/core/schedule/task-state.js';
import { T0, deferred, makeScheduler } from './scheduler-fixture.js';

const SEC = 1000;
const MIN = 60 * SEC;
const HOUR = 60 * MIN;

describe('registration', () => {
  it('rejects an invalid cron pattern with croner’s message, prefixed, and a hint on the range', async () => {
    const { scheduler } = makeScheduler();
    await expect(
      scheduler.scheduleCron({ name: 'bad', pattern: '61 * * * *', action: () => 1 }),
    ).rejects.toThrow(
      "TaskScheduler: pattern '61 * * * *': CronPattern: Invalid value for minute: 61; minutes run 0-59",
    );
    await expect(
      scheduler.scheduleCron({ name: 'short', pattern: '* * * *', action: () => 1 }),
    ).rejects.toThrow(
      /^TaskScheduler: pattern '\* \* \* \*': CronPattern: invalid configuration format/,
    );
  });

  it('refuses a pattern that never fires', async () => {
    const { scheduler } = makeScheduler();
    await expect(
      scheduler.scheduleCron({ name: 'feb30', pattern: '0 0 30 2 *', action: () => 1 }),
    ).rejects.toThrow(/TaskScheduler: pattern '0 0 30 2 \*' never fires/);
    await expect(
      scheduler.scheduleCron({ name: 'past', pattern: '0 0 0 1 1 * 2020', action: () => 1 }),
    ).rejects.toThrow(/never fires/);
    await expect(
      scheduler.scheduleCron({ name: 'empty', pattern: '70/5 * * * * *', action: () => 1 }),
    ).rejects.toThrow(/never fires: its second field has no value in range.*seconds run 0-59/);
  });

  it('names the field and the reason for invalid definitions', async () => {
    const { scheduler } = makeScheduler();
    await expect(
      scheduler.scheduleInterval({ name: 'x', everyMs: 10, action: () => 1 }),
    ).rejects.toThrow('TaskScheduler: schedule.everyMs: everyMs must be at least 100 ms');
    await expect(
      scheduler.scheduleCron({ name: '../up', pattern: '* * * * *', action: () => 1 }),
    ).rejects.toThrow(/TaskScheduler: name: /);
    await expect(
      scheduler.scheduleCron({
        name: 'tz',
        pattern: '* * * * *',
        timezone: 'Mars/Olympus',
        action: () => 1,
      }),
    ).rejects.toThrow(
      "TaskScheduler: timezone: timezone 'Mars/Olympus' is not an IANA time zone (e.g. Europe/Berlin)",
    );
    await expect(
      scheduler.scheduleOnce({ name: 'old', at: T0 - 1, action: () => 1 }),
    ).rejects.toThrow(/schedule.at .* is in the past/);
  });

  it('gives back the same id for the same name, schedule and action, and a new id otherwise', async () => {
    const { scheduler } = makeScheduler();
    const action = () => 1;
    const a = await scheduler.scheduleCron({ name: 'sync', pattern: '*/5 * * * *', action });
    const b = await scheduler.scheduleCron({
      name: 'sync',
      pattern: '*/5  * * * *',
      dayMatch: 'or',
      action,
    });
    const c = await scheduler.scheduleCron({
      name: 'sync',
      pattern: '*/5 * * * *',
      action: () => 1,
    });
    const d = await scheduler.scheduleCron({
      name: 'sync',
      pattern: '*/5 * * * *',
      project: 'other',
      action,
    });
    expect(b).toBe(a);
    expect(new Set([a, c, d]).size).toBe(3);
    expect(scheduler.list()).toHaveLength(3);
  });

  it('treats data actions with the same content as the same action', async () => {
    const { scheduler } = makeScheduler<{ kind: string; url: string }>();
    const a = await scheduler.scheduleInterval({
      name: 'ping',
      everyMs: 1000,
      action: { kind: 'http', url: 'http://x' },
    });
    const b = await scheduler.scheduleInterval({
      name: 'ping',
      everyMs: 1000,
      action: { url: 'http://x', kind: 'http' },
    });
    expect(b).toBe(a);
  });
});

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
    expect(logger.lines.some((l) => l.startsWith('warn') && l.includes('boom'))).toBe(true);
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
    expect(logger.lines.filter((l) => l.includes('disk full')).length).toBeGreaterThan(0);
    expect(logger.lines.filter((l) => l.includes('listener bug')).length).toBeGreaterThan(0);
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

describe('retries, timeouts and cancel', () => {
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
    expect(logger.lines.some((l) => l.includes('did not report within 3000 ms'))).toBe(true);
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

describe('missed runs and catch-up', () => {
  async function restartAfterDays(
    policy: 'none' | 'latest' | 'all',
    extra: { cap?: number; deadlineMs?: number } = {},
  ) {
    // A daily 09:00 task last due three days ago; the app starts at 10:00 today.
    const now = Date.UTC(2026, 0, 10, 10, 0, 0);
    const state = new MemoryTaskStateStore({
      daily: { lastDueAt: Date.UTC(2026, 0, 7, 9, 0, 0), cycles: 7 },
    });
    const fx = makeScheduler({ startMs: now, state });
    let runs = 0;
    await fx.scheduler.schedule({
      id: 'daily',
      name: 'daily',
      schedule: { kind: 'cron', pattern: '0 9 * * *' },
      timezone: 'UTC',
      catchUp: { policy, cap: extra.cap ?? 10, deadlineMs: extra.deadlineMs ?? 0 },
      action: () => runs++,
    });
    fx.scheduler.start();
    await fx.clock.advance(0);
    return { ...fx, runs: () => runs, state };
  }

  it('a daily task missed for three days runs once on start with policy latest, and two missed runs are recorded', async () => {
    const { runs, finals, state } = await restartAfterDays('latest');
    expect(runs()).toBe(1);
    expect(
      finals().map((r) => [r.status, r.trigger, new Date(r.scheduledFor ?? 0).toISOString()]),
    ).toEqual([
      ['missed', 'schedule', '2026-01-08T09:00:00.000Z'],
      ['missed', 'schedule', '2026-01-09T09:00:00.000Z'],
      ['succeeded', 'catch-up', '2026-01-10T09:00:00.000Z'],
    ]);
    expect(state.get('daily')).toEqual({ lastDueAt: Date.UTC(2026, 0, 10, 9, 0, 0), cycles: 8 });
  });

  it('policy none only records the misses; policy all runs each one up to the cap', async () => {
    const none = await restartAfterDays('none');
    expect(none.runs()).toBe(0);
    expect(none.statuses()).toEqual(['schedule:missed', 'schedule:missed', 'schedule:missed']);
    const all = await restartAfterDays('all', { cap: 2 });
    expect(all.runs()).toBe(2);
    expect(all.statuses()).toEqual(['schedule:missed', 'catch-up:succeeded', 'catch-up:succeeded']);
  });

  it('a miss older than the deadline is only recorded', async () => {
    const { runs, statuses } = await restartAfterDays('all', { deadlineMs: 30 * HOUR });
    expect(runs()).toBe(2);
    expect(statuses()).toEqual(['schedule:missed', 'catch-up:succeeded', 'catch-up:succeeded']);
    const late = await restartAfterDays('latest', { deadlineMs: 30 * MIN });
    expect(late.runs()).toBe(0);
  });

  it('notices a suspend (clock jump) within maxSleepMs and applies the catch-up policy', async () => {
    const { scheduler, clock, statuses, logger } = makeScheduler();
    await scheduler.scheduleCron({
      name: 'hourly',
      pattern: '0 * * * *',
      timezone: 'UTC',
      catchUp: { policy: 'latest' },
      action: () => 1,
    });
    scheduler.start();
    clock.jump(T0 + 5 * HOUR + 10 * MIN); // the laptop slept five hours
    await clock.advance(30 * SEC);
    expect(statuses()).toEqual([
      'schedule:missed',
      'schedule:missed',
      'schedule:missed',
      'schedule:missed',
      'catch-up:succeeded',
    ]);
    expect(logger.lines.some((l) => l.includes('late'))).toBe(true);
    expect(scheduler.get(scheduler.list()[0]?.id ?? '')?.nextDueAt).toBe(T0 + 6 * HOUR);
  });

  it('a due time only slightly late still runs as a scheduled run', async () => {
    const { scheduler, clock, statuses } = makeScheduler({ lateGraceMs: 5000 });
    await scheduler.scheduleCron({ name: 'm', pattern: '* * * * *', action: () => 1 });
    clock.jump(T0 + MIN + 3000);
    await scheduler.runPending();
    expect(statuses()).toEqual(['schedule:succeeded']);
  });

  it('caps missed records per task and counts the rest in one record', async () => {
    const { scheduler, clock, finals } = makeScheduler({ missedRecordLimit: 5 });
    await scheduler.scheduleInterval({ name: 'fast', everyMs: 1000, action: () => 1 });
    clock.jump(T0 + 100 * SEC + 500 + 10_000);
    await scheduler.runPending();
    const records = finals();
    // 110 due instants: the last is on time and runs, 5 are listed as missed, 104 are counted.
    expect(records).toHaveLength(7);
    expect(records.slice(0, 5).map((r) => r.scheduledFor)).toEqual(
      [1, 2, 3, 4, 5].map((s) => T0 + s * SEC),
    );
    expect(records[5]).toMatchObject({ status: 'missed', scheduledFor: null });
    expect(records[5]?.error).toMatch(
      /104 more runs due after 2026-01-05T08:00:05.000Z up to .* were missed/,
    );
    expect(records[6]).toMatchObject({
      status: 'succeeded',
      trigger: 'schedule',
      scheduledFor: T0 + 110 * SEC,
    });
    expect(scheduler.list()[0]?.nextDueAt).toBe(T0 + 111 * SEC);
  });

  it('after the clock goes back an hour, new due times in the repeated hour run but those already handled do not run again', async () => {
    const { scheduler, clock, finals } = makeScheduler();
    await scheduler.scheduleCron({ name: 'minutely', pattern: '0 * * * * *', action: () => 1 });
    scheduler.start();
    await clock.advance(5 * MIN); // 08:01 .. 08:05 ran
    clock.jump(clock.now() - HOUR);
    await clock.advance(70 * MIN);
    const ran = finals()
      .filter((r) => r.status === 'succeeded')
      .map((r) => r.scheduledFor);
    expect(new Set(ran).size).toBe(ran.length);
    expect(ran).toContain(T0 - 30 * MIN); // 07:30, new in the repeated hour
    expect(ran).toContain(T0 + 6 * MIN); // 08:06, the first one not handled before
  });

  it('waking exactly on a due time with catch-up latest runs that due time on schedule, not the hour before', async () => {
    const { scheduler, clock, finals } = makeScheduler();
    await scheduler.scheduleCron({
      name: 'hourly',
      pattern: '0 0 * * * *',
      catchUp: { policy: 'latest', cap: 3 },
      action: () => 1,
    });
    scheduler.start();
    await clock.advance(30 * MIN);
    clock.jump(T0 + 6 * HOUR);
    await scheduler.runPending();
    const ran = finals().filter((r) => r.status === 'succeeded');
    expect(ran.map((r) => [r.trigger, r.scheduledFor])).toEqual([['schedule', T0 + 6 * HOUR]]);
  });

  it('after stop and start, the paused time is neither run nor recorded as missed', async () => {
    const { scheduler, clock, statuses } = makeScheduler();
    await scheduler.scheduleCron({
      name: 'm',
      pattern: '* * * * *',
      catchUp: { policy: 'all' },
      action: () => 1,
    });
    scheduler.start();
    await clock.advance(MIN);
    await scheduler.stop();
    await clock.advance(10 * MIN);
    scheduler.start();
    await clock.advance(MIN);
    expect(statuses()).toEqual(['schedule:succeeded', 'schedule:succeeded']);
  });
});

describe('interval, routine and once', () => {
  it('an interval runs at a fixed rate from startAt, whatever a run takes, up to maxCycles', async () => {
    const { scheduler, clock } = makeScheduler();
    const starts: number[] = [];
    const id = await scheduler.scheduleInterval({
      name: 'rate',
      everyMs: 10 * SEC,
      startAt: T0 + 5 * SEC,
      maxCycles: 3,
      action: () => {
        starts.push(clock.now() - T0);
        return new Promise<void>((r) => clock.setTimer(r, 4 * SEC));
      },
    });
    scheduler.start();
    await clock.advance(MIN);
    expect(starts).toEqual([5000, 15000, 25000]);
    expect(scheduler.get(id)).toMatchObject({ cycles: 3, nextDueAt: null });
  });

  it('an interval stops after until', async () => {
    const { scheduler, clock } = makeScheduler();
    let n = 0;
    await scheduler.scheduleInterval({
      name: 'until',
      everyMs: SEC,
      until: T0 + 3500,
      action: () => n++,
    });
    scheduler.start();
    await clock.advance(MIN);
    expect(n).toBe(3);
  });

  it('a routine waits delayMs after each run ends before the next starts', async () => {
    const { scheduler, clock } = makeScheduler();
    const starts: number[] = [];
    await scheduler.scheduleRoutine({
      name: 'loop',
      delayMs: 10 * SEC,
      maxCycles: 3,
      action: () => {
        starts.push(clock.now() - T0);
        return new Promise<void>((r) => clock.setTimer(r, 3 * SEC));
      },
    });
    scheduler.start();
    await clock.advance(MIN);
    expect(starts).toEqual([0, 13000, 26000]);
  });

  it('a once task runs at its time, then is disabled, and stays disabled when restored', async () => {
    const state = new MemoryTaskStateStore();
    const { scheduler, clock, statuses } = makeScheduler({ state });
    const action = () => 'ok';
    const id = await scheduler.scheduleOnce({ name: 'once', at: T0 + MIN, action });
    scheduler.start();
    await clock.advance(2 * MIN);
    expect(statuses()).toEqual(['schedule:succeeded']);
    const info = scheduler.get(id);
    expect(info?.definition.enabled).toBe(false);

    const restarted = makeScheduler({ state, startMs: T0 + HOUR });
    await restarted.scheduler.schedule({ ...info!.definition, enabled: true, id, action });
    restarted.scheduler.start();
    await restarted.clock.advance(MIN);
    expect(restarted.statuses()).toEqual([]);
    expect(restarted.scheduler.get(id)?.definition.enabled).toBe(false);
  });
});

describe('changing tasks', () => {
  it('update takes effect at once and re-arms', async () => {
    const { scheduler, clock } = makeScheduler();
    const seen: number[] = [];
    const id = await scheduler.scheduleCron({
      name: 'c',
      pattern: '0 9 * * *',
      timezone: 'UTC',
      action: () => seen.push(clock.now()),
    });
    scheduler.start();
    await clock.advance(SEC);
    await scheduler.update(id, { schedule: { kind: 'cron', pattern: '*/10 * * * * *' } });
    expect(scheduler.get(id)?.nextDueAt).toBe(T0 + 10 * SEC);
    await clock.advance(10 * SEC);
    expect(seen).toEqual([T0 + 10 * SEC]);
    await expect(
      scheduler.update(id, { schedule: { kind: 'cron', pattern: '* * 99 * *' } }),
    ).rejects.toThrow(/TaskScheduler: pattern/);
  });

  it('disable stops a task, enable starts it again from now, unschedule removes it', async () => {
    const { scheduler, clock, statuses, events } = makeScheduler();
    const id = await scheduler.scheduleInterval({ name: 'i', everyMs: SEC, action: () => 1 });
    scheduler.start();
    await scheduler.disable(id);
    await clock.advance(5 * SEC);
    expect(statuses()).toEqual([]);
    await scheduler.enable(id);
    await clock.advance(SEC);
    expect(statuses()).toEqual(['schedule:succeeded']);
    expect(await scheduler.unschedule(id)).toBe(true);
    expect(await scheduler.unschedule(id)).toBe(false);
    await clock.advance(5 * SEC);
    expect(statuses()).toHaveLength(1);
    expect(events.filter((e) => e.type === 'task:changed')).toHaveLength(4);
    expect(() => scheduler.nextRuns(id)).toThrow(/no task with id/);
  });

  it('nextRuns lists upcoming instants for a task and for a definition', async () => {
    const { scheduler } = makeScheduler();
    const id = await scheduler.scheduleCron({
      name: 'c',
      pattern: '0 */6 * * *',
      timezone: 'UTC',
      action: () => 1,
    });
    expect(scheduler.nextRuns(id, 3)).toEqual([
      Date.UTC(2026, 0, 5, 12),
      Date.UTC(2026, 0, 5, 18),
      Date.UTC(2026, 0, 6, 0),
    ]);
    expect(
      scheduler.nextRuns({ name: 'p', schedule: { kind: 'interval', everyMs: MIN } }, 2),
    ).toEqual([T0 + MIN, T0 + 2 * MIN]);
  });

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
