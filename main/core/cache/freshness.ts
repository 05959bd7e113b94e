/** How a caller asks for a value. */
export interface GetOptions {
  /** Ask for a recent value: refresh unless the cached one is at most `toleranceSeconds` old. Default false. */
  fresh?: boolean;
  /** With `fresh`, how old (in seconds) a value may be and still count as fresh. 0 (the default) always refreshes. */
  toleranceSeconds?: number;
}

/**
 * A wall clock moved back by more than this (an NTP correction, a file written by a machine
 * whose clock runs ahead) makes a value's age negative; beyond the margin it is treated as
 * stale rather than "young for hours".
 */
const BACKWARD_SKEW_MS = 1000;

/** True when a value `ageMs` old must be refreshed under `expireMs` and the caller's options. */
export function needsRefresh(ageMs: number, expireMs: number, options: GetOptions = {}): boolean {
  if (ageMs < -BACKWARD_SKEW_MS) return true;
  if (ageMs > expireMs) return true;
  if (options.fresh) {
    const tolerance = options.toleranceSeconds ?? 0;
    return tolerance <= 0 || ageMs > tolerance * 1000;
  }
  return false;
}

/** Refuses options that would silently never (or always) refresh. */
export function checkGetOptions(owner: string, options: GetOptions): void {
  const t = options.toleranceSeconds;
  if (t !== undefined && !(Number.isFinite(t) && t >= 0)) {
    throw new RangeError(
      `${owner}: toleranceSeconds must be a number >= 0 (got ${String(t)}); use 0 to always refresh`,
    );
  }
}

export function checkExpire(owner: string, expire: unknown): number {
  if (typeof expire !== 'number' || !Number.isFinite(expire) || expire < 0) {
    throw new RangeError(
      `${owner}: expire must be a duration in milliseconds >= 0 (got ${String(expire)}), e.g. 30_000 for 30 s`,
    );
  }
  return expire;
}
