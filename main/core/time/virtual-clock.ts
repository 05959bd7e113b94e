import type { Clock, TimerHandle } from './clock.js';

interface VirtualTimer {
  id: number;
  at: number;
  fn: () => void;
}

/** Lets queued promise callbacks (and their follow-ups) run before time moves on. */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/**
 * A clock that only moves when told to. `advance(ms)` fires every timer that falls due, in
 * order of due time, and lets each fired callback's promises settle before the next one, so a
 * test sees the same sequence the real clock would produce, without sleeping.
 */
export class VirtualClock implements Clock {
  #now: number;
  #timers: VirtualTimer[] = [];
  #nextId = 1;

  constructor(startMs: number = Date.UTC(2026, 0, 1)) {
    this.#now = startMs;
  }

  now(): number {
    return this.#now;
  }

  setTimer(fn: () => void, ms: number): TimerHandle {
    const timer = { id: this.#nextId++, at: this.#now + Math.max(0, ms), fn };
    this.#timers.push(timer);
    return timer;
  }

  clearTimer(handle: TimerHandle): void {
    this.#timers = this.#timers.filter((t) => t !== handle);
  }

  /** How many timers are armed: the engine promises exactly one. */
  pendingTimers(): number {
    return this.#timers.length;
  }

  /** Moves time forward by `ms`, firing what falls due on the way. */
  async advance(ms: number): Promise<void> {
    await this.advanceTo(this.#now + ms);
  }

  /** Moves time to `targetMs`, firing what falls due on the way. */
  async advanceTo(targetMs: number): Promise<void> {
    await settle();
    for (;;) {
      const next = this.#earliest();
      if (!next || next.at > targetMs) break;
      this.#timers = this.#timers.filter((t) => t !== next);
      this.#now = Math.max(this.#now, next.at);
      next.fn();
      await settle();
    }
    this.#now = Math.max(this.#now, targetMs);
    await settle();
  }

  /**
   * Sets the wall clock without firing timers, as a suspended laptop or an NTP correction
   * would: the engine must notice on its own.
   */
  jump(toMs: number): void {
    const delta = toMs - this.#now;
    this.#now = toMs;
    // Timers are relative (setTimeout), so they keep their remaining delay.
    for (const t of this.#timers) t.at += delta;
  }

  #earliest(): VirtualTimer | undefined {
    let best: VirtualTimer | undefined;
    for (const t of this.#timers)
      if (!best || t.at < best.at || (t.at === best.at && t.id < best.id)) best = t;
    return best;
  }
}
