import type { Logger } from '../log/logger.js';
import type { Clock, TimerHandle } from '../time/clock.js';

/** A timer firing this much off its expected time means the machine slept or the clock jumped. */
export const JUMP_TOLERANCE_MS = 2000;

/**
 * How much early a due time is woken for, at most. Timers on these machines fire about 1 ms late
 * per second slept (4-7 ms for a 4.5 s sleep, ~30 ms for 30 s), and up to 1-2 ms late however
 * short; a run due at a second would start that late.
 */
const MAX_LEAD_MS = 64;
/** The last stretch before a due time is waited out by reading the clock: at most this long. */
const SPIN_MS = 2;

/** How early to wake for a due time `delayMs` away: more for a longer sleep, none for a short one. */
function leadMs(delayMs: number): number {
  return delayMs <= SPIN_MS ? 0 : Math.min(MAX_LEAD_MS, SPIN_MS + Math.ceil(delayMs / 512));
}

/** What a wake noticed about the clock since the previous one. */
export type ClockNotice = { kind: 'back'; from: number } | { kind: 'late'; byMs: number } | null;

/**
 * The scheduler's one timer. It never waits longer than `maxSleepMs`: timers stop while a machine
 * sleeps, so a short cap is what notices a resume or a wall-clock jump.
 *
 * With `precise` (the real clock), a due time is woken for a little early and the rest waited
 * out: a short second timer, then at most SPIN_MS reading the clock, so runs start within a
 * fraction of a millisecond of their due time instead of several ms after. A wake for the cap
 * (nothing due) is not made early, so an idle scheduler costs what it did. A VirtualClock is not
 * precise: its time moves only between timers, so it could not be waited on.
 */
export class WakeTimer {
  #timer: TimerHandle | null = null;
  #armedWakeAt = 0;
  /** The due time the armed timer wakes early for; null for a plain wake. */
  #exactAt: number | null = null;
  #lastWakeAt: number | null = null;

  constructor(
    private readonly clock: Clock,
    private readonly maxSleepMs: number,
    private readonly onWake: () => void,
    private readonly logger: Logger,
    private readonly precise = false,
  ) {}

  readonly #fire = (): void => {
    this.#timer = null;
    const exactAt = this.#exactAt;
    if (exactAt !== null && this.#waitFor(exactAt)) return;
    this.onWake();
  };

  /**
   * Woken early for `exactAt`: sleeps again when more than SPIN_MS is left (true), else reads the
   * clock until it is there (false: wake now). Woken far earlier than asked (a timer started from
   * a stale loop time) or late, it wakes now: the scheduler re-arms as for any wake.
   */
  #waitFor(exactAt: number): boolean {
    const left = exactAt - this.clock.now();
    if (left <= 0 || left > MAX_LEAD_MS + SPIN_MS) return false;
    if (left > SPIN_MS) {
      this.#timer = this.clock.setTimer(this.#fire, left - SPIN_MS);
      return true;
    }
    // Bounded by the real time too, whatever the clock says.
    const until = performance.now() + SPIN_MS + 1;
    while (this.clock.now() < exactAt && performance.now() < until);
    return false;
  }

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
    // Only a due time is worth waking early for; the cap (`at` < `wakeAt`) is not one.
    const exact = this.precise && at === wakeAt;
    this.#exactAt = exact ? at : null;
    this.#timer = this.clock.setTimer(this.#fire, at - now - (exact ? leadMs(at - now) : 0));
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
