/** Something that reads the time, in ms since the epoch. */
export interface TimeSource {
  now(): number;
}

/** Opaque handle returned by {@link Clock.setTimer}. */
export type TimerHandle = { readonly __timer: unique symbol } | object;

/**
 * The engine's clock: it reads the time and owns timers, so tests can replace both at once
 * and drive schedules deterministically.
 */
export interface Clock extends TimeSource {
  setTimer(fn: () => void, ms: number): TimerHandle;
  clearTimer(handle: TimerHandle): void;
}

/** The real clock: Date.now() and setTimeout. Timers are unref'd so they never hold a process open on their own. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(fn, ms) {
    const t = setTimeout(fn, Math.max(0, ms));
    return t;
  },
  clearTimer(handle) {
    clearTimeout(handle as ReturnType<typeof setTimeout>);
  },
};
