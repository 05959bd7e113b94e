import type { Logger } from '../log/logger.js';
import type { Clock, TimerHandle } from '../time/clock.js';

/** A timer firing this much off its expected time means the machine slept or the clock jumped. */
export const JUMP_TOLERANCE_MS = 2000;

/** What a wake noticed about the clock since the previous one. */
export type ClockNotice = { kind: 'back'; from: number } | { kind: 'late'; byMs: number } | null;

/**
 * The scheduler's one timer. It never waits longer than `maxSleepMs`: timers stop while a machine
 * sleeps, so a short cap is what notices a resume or a wall-clock jump.
 */
export class WakeTimer {
  #timer: TimerHandle | null = null;
  #armedWakeAt = 0;
  #lastWakeAt: number | null = null;

  constructor(
    private readonly clock: Clock,
    private readonly maxSleepMs: number,
    private readonly onWake: () => void,
    private readonly logger: Logger,
  ) {}

  readonly #fire = (): void => {
    this.#timer = null;
    this.onWake();
  };

  /**
   * Arms for `wakeAt` (capped at maxSleepMs from now), or disarms for null. A timer already armed
   * early enough is kept: a spurious wake is cheap, re-arming 100 000 times while tasks are
   * registered is not.
   */
  arm(wakeAt: number | null): void {
    if (wakeAt === null) {
      this.clear();
      return;
    }
    const now = this.clock.now();
    const at = Math.max(Math.min(wakeAt, now + this.maxSleepMs), now);
    if (this.#timer !== null && this.#armedWakeAt <= at) return;
    this.clear();
    this.#armedWakeAt = at;
    this.#timer = this.clock.setTimer(this.#fire, at - now);
  }

  clear(): void {
    if (this.#timer !== null) this.clock.clearTimer(this.#timer);
    this.#timer = null;
  }

  /** Starting: nothing was armed, so the first wake cannot be late. */
  reset(now: number): void {
    this.#lastWakeAt = now;
    this.#armedWakeAt = now;
  }

  /**
   * Compares a wake at `now` with the previous one and with when the timer was meant to fire,
   * and logs a jump: a late wake (machine asleep, clock forward) or a clock that went back.
   */
  notice(now: number, fromTimer: boolean): ClockNotice {
    const last = this.#lastWakeAt;
    this.#lastWakeAt = now;
    const iso = (ms: number): string => new Date(ms).toISOString();
    if (last !== null && now < last - JUMP_TOLERANCE_MS) {
      this.logger.warn(
        `TaskScheduler: the clock went back from ${iso(last)} to ${iso(now)}; next runs are worked out again from now`,
      );
      return { kind: 'back', from: last };
    }
    if (fromTimer && now > this.#armedWakeAt + JUMP_TOLERANCE_MS) {
      const byMs = now - this.#armedWakeAt;
      this.logger.info(
        `TaskScheduler: woke ${byMs} ms late (machine asleep or clock moved forward); handling missed runs`,
      );
      return { kind: 'late', byMs };
    }
    return null;
  }
}
