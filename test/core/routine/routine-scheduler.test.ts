import { describe, it, expect } from 'vitest';
import { RoutineScheduler } from '../../../main/core/routine/routine-scheduler.js';
import type { SessionRecord } from '../../../main/core/routine/routine-scheduler.js';
import { VirtualClock } from '../../../main/core/time/virtual-clock.js';
import { recordingLogger } from '../../support/recording-logger.js';

const T0 = Date.UTC(2026, 2, 1, 9, 0, 0);

/** Resolves after `ms` on the virtual clock, like a routine that does slow work. */
function work(clock: VirtualClock, ms: number): Promise<void> {
  return new Promise((resolve) => clock.setTimer(resolve, ms));
}

describe('RoutineScheduler', () => {
  it('runs maxCycles cycles, waiting waitMs between them, and records why it ended', async () => {
    const clock = new VirtualClock(T0);
    const starts: number[] = [];
    const scheduler = new RoutineScheduler({
      routine: () => void starts.push(clock.now()),
      waitMs: 1000,
      logger: recordingLogger(),
      maxCycles: 3,
      clock,
    });
    const done = scheduler.run();
    await clock.advance(10_000);
    await done;
    expect(starts).toEqual([T0, T0 + 1000, T0 + 2000]);
    expect(scheduler.cycle).toBe(3);
    expect(scheduler.getRecords()).toEqual([
      { start: T0, end: T0 + 2000, durationMs: 2000, cycles: 3, reason: 'reached maxCycles (3)' },
    ]);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('waits the full delay after a slow routine ends, not from when it started', async () => {
    const clock = new VirtualClock(T0);
    const starts: number[] = [];
    const scheduler = new RoutineScheduler({
      routine: async () => {
        starts.push(clock.now());
        await work(clock, 500);
      },
      waitMs: 1000,
      logger: recordingLogger(),
      maxCycles: 3,
      clock,
    });
    const done = scheduler.run();
    await clock.advance(10_000);
    await done;
    expect(starts).toEqual([T0, T0 + 1500, T0 + 3000]);
    expect(scheduler.getRecords()[0]?.end).toBe(T0 + 3500);
  });

  it('starts no cycle once the clock has reached untilMs', async () => {
    const clock = new VirtualClock(T0);
    const starts: number[] = [];
    const scheduler = new RoutineScheduler({
      routine: () => void starts.push(clock.now()),
      waitMs: 1000,
      logger: recordingLogger(),
      clock,
    });
    const done = scheduler.run({ untilMs: T0 + 2500 });
    await clock.advance(10_000);
    await done;
    expect(starts).toEqual([T0, T0 + 1000, T0 + 2000]);
    expect(scheduler.getRecords()[0]?.reason).toBe(
      `reached untilMs (${new Date(T0 + 2500).toISOString()})`,
    );
    expect(scheduler.getRecords()[0]?.end).toBe(T0 + 3000);
  });

  it('ends at once when stopped while it sleeps, leaving no timer armed', async () => {
    const clock = new VirtualClock(T0);
    let calls = 0;
    const scheduler = new RoutineScheduler({
      routine: () => void calls++,
      waitMs: 60_000,
      logger: recordingLogger(),
      clock,
    });
    const done = scheduler.run();
    await clock.advance(1000);
    expect(clock.pendingTimers()).toBe(1);
    scheduler.stop();
    await done;
    expect(calls).toBe(1);
    expect(clock.pendingTimers()).toBe(0);
    expect(scheduler.running).toBe(false);
    expect(scheduler.getRecords()).toEqual([
      { start: T0, end: T0 + 1000, durationMs: 1000, cycles: 1, reason: 'stopped' },
    ]);
  });

  it('finishes the current cycle when the routine itself calls stop()', async () => {
    const clock = new VirtualClock(T0);
    const seen: number[] = [];
    const scheduler = new RoutineScheduler({
      routine: (s) => {
        seen.push(s.cycle);
        if (s.cycle === 1) s.stop();
      },
      waitMs: 100,
      logger: recordingLogger(),
      clock,
    });
    const done = scheduler.run();
    await clock.advance(1000);
    await done;
    expect(seen).toEqual([0, 1]);
    expect(scheduler.cycle).toBe(2);
    expect(scheduler.getRecords()[0]?.reason).toBe('stopped');
  });

  it('logs the start and the finish of every cycle, then the summary and the history', async () => {
    const clock = new VirtualClock(T0);
    const logger = recordingLogger();
    const scheduler = new RoutineScheduler({
      routine: () => undefined,
      waitMs: 10,
      logger,
      maxCycles: 2,
      clock,
    });
    const done = scheduler.run();
    await clock.advance(100);
    await done;
    const messages = logger.messages('info');
    expect(messages.map((m) => m.split(/[ \n]/).slice(0, 4).join(' '))).toEqual([
      'RoutineScheduler: cycle 0 started',
      'RoutineScheduler: cycle 0 finished',
      'RoutineScheduler: cycle 1 started',
      'RoutineScheduler: cycle 1 finished',
      'RoutineScheduler: session ended after',
      'RoutineScheduler: session history (1)',
    ]);
    expect(messages[4]).toContain('2 cycle(s)');
  });

  it('adds sessStats to each record without letting them replace the core fields', async () => {
    const clock = new VirtualClock(T0);
    let processed = 0;
    const scheduler = new RoutineScheduler({
      routine: () => void (processed += 5),
      waitMs: 10,
      logger: recordingLogger(),
      maxCycles: 2,
      sessStats: () => ({ processed, cycles: -1 }),
      clock,
    });
    const done = scheduler.run();
    await clock.advance(100);
    await done;
    expect(scheduler.getRecords()[0]).toMatchObject({ processed: 10, cycles: 2 });
  });

  it('appends every session to the records array it was given and logs the accumulated history', async () => {
    const clock = new VirtualClock(T0);
    const records: SessionRecord[] = [
      { start: 0, end: 1, durationMs: 1, cycles: 1, reason: 'from an earlier scheduler' },
    ];
    const logger = recordingLogger();
    const scheduler = new RoutineScheduler({
      routine: () => undefined,
      waitMs: 10,
      logger,
      maxCycles: 1,
      records,
      clock,
    });
    await scheduler.run();
    await scheduler.run();
    expect(records.map((r) => r.reason)).toEqual([
      'from an earlier scheduler',
      'reached maxCycles (1)',
      'reached maxCycles (1)',
    ]);
    const history = logger
      .messages('info')
      .filter((m) => m.startsWith('RoutineScheduler: session history'));
    expect(history.at(-1)?.split('\n')).toHaveLength(4);
    const copy = scheduler.getRecords();
    copy[0]!.reason = 'changed';
    expect(records[0]?.reason).toBe('from an earlier scheduler');
  });

  it('by default records the session end, logs the error and rethrows it when the routine fails', async () => {
    const clock = new VirtualClock(T0);
    const logger = recordingLogger();
    const scheduler = new RoutineScheduler({
      routine: (s) => {
        if (s.cycle === 1) throw new Error('disk full');
      },
      waitMs: 1000,
      logger,
      clock,
    });
    const done = scheduler.run();
    const outcome = expect(done).rejects.toThrow('disk full');
    await clock.advance(5000);
    await outcome;
    expect(scheduler.getRecords()).toEqual([
      { start: T0, end: T0 + 1000, durationMs: 1000, cycles: 1, reason: 'error: disk full' },
    ]);
    expect(logger.messages('error')).toEqual([
      'RoutineScheduler: routine failed in cycle 1: disk full',
    ]);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('keeps looping when a custom exception handler handles the error', async () => {
    const clock = new VirtualClock(T0);
    const handled: string[] = [];
    const scheduler = new RoutineScheduler({
      routine: (s) => {
        if (s.cycle % 2 === 0) throw new Error(`bad cycle ${s.cycle}`);
      },
      exceptionHandler: (error, s) => {
        handled.push(`${(error as Error).message} seen at cycle ${s.cycle}`);
      },
      waitMs: 10,
      logger: recordingLogger(),
      maxCycles: 4,
      clock,
    });
    const done = scheduler.run();
    await clock.advance(1000);
    await done;
    expect(handled).toEqual(['bad cycle 0 seen at cycle 0', 'bad cycle 2 seen at cycle 2']);
    expect(scheduler.getRecords()[0]?.cycles).toBe(4);
  });

  it('records exactly one session end when a custom handler rethrows', async () => {
    const clock = new VirtualClock(T0);
    const scheduler = new RoutineScheduler({
      routine: async () => {
        await work(clock, 50);
        throw new Error('upstream down');
      },
      exceptionHandler: (error) => {
        throw error;
      },
      waitMs: 10,
      logger: recordingLogger(),
      clock,
    });
    const outcome = expect(scheduler.run()).rejects.toThrow('upstream down');
    await clock.advance(1000);
    await outcome;
    expect(scheduler.getRecords()).toEqual([
      { start: T0, end: T0 + 50, durationMs: 50, cycles: 0, reason: 'error: upstream down' },
    ]);
  });

  it('refuses a second run() while one is in progress', async () => {
    const clock = new VirtualClock(T0);
    const scheduler = new RoutineScheduler({
      routine: () => undefined,
      waitMs: 1000,
      logger: recordingLogger(),
      clock,
    });
    const first = scheduler.run();
    await expect(scheduler.run()).rejects.toThrow('RoutineScheduler: run() is already in progress');
    scheduler.stop();
    await first;
    expect(scheduler.getRecords()).toHaveLength(1);
  });

  it('rejects a negative waitMs and a maxCycles below one with a message saying what to give', () => {
    const logger = recordingLogger();
    expect(() => new RoutineScheduler({ routine: () => undefined, waitMs: -5, logger })).toThrow(
      'RoutineScheduler: waitMs -5 is not a duration; give 0 or more milliseconds',
    );
    expect(
      () => new RoutineScheduler({ routine: () => undefined, waitMs: 5, logger, maxCycles: 0 }),
    ).toThrow('RoutineScheduler: maxCycles 0 must be at least 1');
  });
});
