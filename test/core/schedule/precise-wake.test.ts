import { describe, it, expect } from 'vitest';
import { silentLogger } from '../../../main/core/log/logger.js';
import type { Clock, TimerHandle } from '../../../main/core/time/clock.js';
import { WakeTimer } from '../../../main/core/schedule/wake-timer.js';

/** A clock whose time moves a little with every read, as the real one does, and whose timers fire when told. */
class SteppingClock implements Clock {
  timers: { fn: () => void; ms: number }[] = [];
  constructor(public t: number) {}
  now(): number {
    this.t += 0.25;
    return Math.floor(this.t);
  }
  setTimer(fn: () => void, ms: number): TimerHandle {
    const timer = { fn, ms };
    this.timers.push(timer);
    return timer;
  }
  clearTimer(handle: TimerHandle): void {
    this.timers = this.timers.filter((t) => t !== handle);
  }
  /** Fires the one armed timer `lateMs` after it was due. */
  fire(lateMs: number): void {
    const timer = this.timers.shift();
    if (!timer) throw new Error('no timer armed');
    this.t += timer.ms + lateMs;
    timer.fn();
  }
}

describe('waking for a due time on the real clock', () => {
  it('arms early for a due time, then wakes at it, never before', () => {
    const clock = new SteppingClock(1_000_000);
    const wakes: number[] = [];
    const timer = new WakeTimer(clock, 30_000, () => wakes.push(clock.now()), silentLogger, true);
    const due = 1_004_400;
    timer.arm(due);
    expect(clock.timers[0]?.ms).toBeLessThan(4400);
    clock.fire(3); // a long sleep's timer fires a few ms late: still before the due time
    expect(wakes).toEqual([]);
    clock.fire(1); // the short second sleep, then the last stretch read off the clock
    expect(wakes).toHaveLength(1);
    expect(wakes[0]).toBeGreaterThanOrEqual(due);
    expect(wakes[0]).toBeLessThanOrEqual(due + 1);
  });

  it('wakes for the 30 s cap as armed, not early (an idle scheduler costs no more)', () => {
    const clock = new SteppingClock(1_000_000);
    let wakes = 0;
    const timer = new WakeTimer(clock, 30_000, () => wakes++, silentLogger, true);
    timer.arm(1_000_000 + 3_600_000);
    expect(clock.timers[0]?.ms).toBeGreaterThanOrEqual(29_999);
    clock.fire(0);
    expect(wakes).toBe(1);
  });

  it('wakes at once when the timer fires late, or far earlier than asked', () => {
    const clock = new SteppingClock(1_000_000);
    let wakes = 0;
    const timer = new WakeTimer(clock, 30_000, () => wakes++, silentLogger, true);
    timer.arm(1_002_000);
    clock.fire(50);
    expect(wakes).toBe(1);
    timer.arm(1_010_000);
    clock.timers[0]!.ms = 0; // a timer started from a stale loop time fires almost at once
    clock.fire(0);
    expect(wakes).toBe(2);
  });
});
