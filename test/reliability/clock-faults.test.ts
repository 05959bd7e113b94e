import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { TaskScheduler } from '../../main/core/schedule/task-scheduler.js';
import { MemoryRunSink } from '../../main/core/schedule/run-sink.js';
import { VirtualClock } from '../../main/core/time/virtual-clock.js';
import type { RunRecord } from '../../main/core/model/run.js';
import { recordFigures } from './figures.js';

const T0 = Date.UTC(2026, 2, 2, 8, 0, 0); // a Monday, 08:00 UTC
const HOUR = 3_600_000;

function engine() {
  const clock = new VirtualClock(T0);
  const sink = new MemoryRunSink(1_000_000);
  const scheduler = new TaskScheduler({ clock, sink });
  const finals = () => sink.finalRecords();
  return { clock, sink, scheduler, finals };
}

/** Runs that actually executed (on time, catch-up or retry), as taskId@scheduledFor. */
function executed(records: RunRecord[]): string[] {
  return records
    .filter((r) => r.status === 'succeeded' || r.status === 'failed')
    .map((r) => `${r.taskId}@${r.scheduledFor}`);
}

function duplicates(keys: string[]): string[] {
  const seen = new Set<string>();
  return keys.filter((k) => (seen.has(k) ? true : (seen.add(k), false)));
}

describe('the clock jumping and the machine sleeping (virtual clock)', () => {
  // Like cron after a backward step: a due time already handled is never planned again.
  it('a clock set back an hour never runs a due time twice', async () => {
    const { clock, scheduler, finals } = engine();
    await scheduler.scheduleCron({ name: 'every minute', pattern: '0 * * * * *', action: () => 1 });
    await scheduler.scheduleInterval({ name: 'every 10 s', everyMs: 10_000, action: () => 1 });
    scheduler.start();
    await clock.advance(5 * 60_000);
    clock.jump(clock.now() - HOUR);
    await clock.advance(70 * 60_000);
    await scheduler.stop();
    expect(duplicates(executed(finals()))).toEqual([]);
  });

  it('a clock set back an hour keeps the scheduler firing without a run twice in the repeated hour', async () => {
    const { clock, scheduler, finals } = engine();
    await scheduler.scheduleCron({ name: 'every minute', pattern: '0 * * * * *', action: () => 1 });
    scheduler.start();
    await clock.advance(5 * 60_000);
    clock.jump(clock.now() - HOUR);
    const seen = finals().length;
    await clock.advance(50 * 60_000);
    await scheduler.stop();
    const after = finals().slice(seen);
    expect(after.length).toBe(50);
    expect(duplicates(executed(after))).toEqual([]);
  });

  it.each([
    ['none', 0, []],
    ['latest', 0, [14]],
    ['all', 0, [12, 13, 14]],
    ['all', 2 * HOUR + 60_000, [13, 14]],
  ] as const)(
    'after a sleep from 08:30 to 14:30 an hourly task with catch-up %s (deadline %i ms) runs the missed hours %j and records the rest as missed',
    async (policy, deadlineMs, hours) => {
      const { clock, scheduler, finals } = engine();
      await scheduler.scheduleCron({
        name: 'hourly',
        pattern: '0 0 * * * *',
        catchUp: { policy, cap: 3, deadlineMs },
        action: () => 1,
      });
      scheduler.start();
      await clock.advance(30 * 60_000); // 08:30
      // Suspend: timers stand still while the wall clock moves on; on resume the host
      // (power 'resume' -> service.resume()) asks the engine to handle what fell due.
      clock.jump(Date.UTC(2026, 2, 2, 14, 30, 0));
      await scheduler.runPending();
      await clock.advance(1000);
      const records = finals();
      const ran = records.filter((r) => r.status === 'succeeded');
      const missed = records.filter((r) => r.status === 'missed');
      const at = (h: number) => Date.UTC(2026, 2, 2, h, 0, 0);
      expect(ran.map((r) => r.scheduledFor).sort()).toEqual(hours.map(at));
      expect(ran.every((r) => r.trigger === 'catch-up')).toBe(true);
      // 09:00 .. 14:00 fell due while asleep: each either ran or is recorded as missed.
      expect(missed.length + ran.length).toBe(6);
      expect(duplicates(executed(records))).toEqual([]);
      await scheduler.stop();
    },
  );

  // The on-time run covers catch-up 'latest': nothing runs twice and the on-time run is not skipped.
  it('waking up on a due time runs that due time on schedule', async () => {
    const { clock, scheduler, finals } = engine();
    await scheduler.scheduleCron({
      name: 'hourly',
      pattern: '0 0 * * * *',
      catchUp: { policy: 'latest', cap: 3 },
      action: () => 1,
    });
    scheduler.start();
    await clock.advance(30 * 60_000);
    clock.jump(Date.UTC(2026, 2, 2, 14, 0, 0));
    await scheduler.runPending();
    await clock.advance(1000);
    const onTime = finals().filter((r) => r.trigger === 'schedule' && r.status === 'succeeded');
    await scheduler.stop();
    expect(onTime.map((r) => r.scheduledFor)).toEqual([Date.UTC(2026, 2, 2, 14, 0, 0)]);
  });

  it('a jump back and then forward past the same due times runs each of them once', async () => {
    // The sequence fast-check once found: the wake after the jump forward spans the due times
    // already run before the jump back, and they ran again.
    const { clock, scheduler, finals } = engine();
    await scheduler.scheduleCron({
      name: 'minutely',
      pattern: '30 * * * * *',
      catchUp: { policy: 'none', cap: 4 },
      action: () => 1,
    });
    scheduler.start();
    await clock.advance(30_000);
    clock.jump(clock.now() - 10_785_204);
    await scheduler.runPending();
    await clock.advance(1);
    clock.jump(clock.now() + 10_785_203);
    await clock.advance(1);
    clock.jump(clock.now());
    await scheduler.runPending();
    await clock.advance(1);
    await clock.advance(31_000);
    const runs = executed(finals());
    expect(runs.length).toBeGreaterThan(0);
    expect(duplicates(runs)).toEqual([]);
    await scheduler.stop();
  });

  it('random jumps forward and back, sleeps and normal ticking never run one due time twice', async () => {
    let jumps = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            fc.record({
              kind: fc.constant('advance' as const),
              ms: fc.integer({ min: 1, max: 120_000 }),
            }),
            fc.record({
              kind: fc.constant('jump' as const),
              ms: fc.integer({ min: -3 * HOUR, max: 3 * HOUR }),
            }),
          ),
          { minLength: 1, maxLength: 8 },
        ),
        fc.constantFrom('none', 'latest', 'all'),
        async (steps, policy) => {
          const { clock, scheduler, finals } = engine();
          await scheduler.scheduleInterval({
            name: 'fast',
            everyMs: 15_000,
            catchUp: { policy, cap: 4 },
            action: () => 1,
          });
          await scheduler.scheduleCron({
            name: 'minutely',
            pattern: '30 * * * * *',
            catchUp: { policy, cap: 4 },
            action: () => 1,
          });
          scheduler.start();
          for (const step of steps) {
            if (step.kind === 'advance') await clock.advance(step.ms);
            else {
              jumps++;
              clock.jump(clock.now() + step.ms);
              if (step.ms % 2 === 0) await scheduler.runPending(); // resume event, or the 30 s timer
              await clock.advance(1);
            }
          }
          await clock.advance(31_000);
          const records = finals();
          expect(duplicates(executed(records))).toEqual([]);
          // Policy 'none' never runs a missed time.
          const catchUps = records.filter((r) => r.trigger === 'catch-up');
          if (policy === 'none') expect(catchUps).toEqual([]);
          // The engine keeps exactly one timer however the clock moved.
          expect(clock.pendingTimers()).toBe(1);
          await scheduler.stop();
        },
      ),
      { numRuns: 25 },
    );
    recordFigures('clock-faults', { randomJumps: jumps, sequences: 25 });
  }, 60_000);
});
