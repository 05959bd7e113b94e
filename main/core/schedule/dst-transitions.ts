import { utcOffsetMinutes } from './tz-offset.js';

/** A change of a zone's UTC offset. */
export interface DstTransition {
  /** The first instant (epoch ms) with the new offset. */
  at: number;
  offsetBeforeMinutes: number;
  offsetAfterMinutes: number;
  /** 'gap' when clocks jump forward (local times are skipped), 'overlap' when they fall back (local times repeat). */
  kind: 'gap' | 'overlap';
}

/** Zones change offset at most a few times a year, never twice within this step. */
const SCAN_STEP_MS = 6 * 3600_000;

/**
 * The offset changes of `timezone` (or the machine's zone) in [fromMs, toMs), e.g. for notes
 * under a schedule preview ("clocks go forward on 29 March: 02:30 runs at 03:00").
 */
export function dstTransitions(
  timezone: string | undefined,
  fromMs: number,
  toMs: number,
): DstTransition[] {
  const found: DstTransition[] = [];
  let lo = fromMs;
  let loOffset = utcOffsetMinutes(timezone, lo);
  while (lo < toMs) {
    const hi = Math.min(lo + SCAN_STEP_MS, toMs);
    const hiOffset = utcOffsetMinutes(timezone, hi);
    if (hiOffset !== loOffset) {
      // Binary search down to the millisecond: the first instant with the new offset.
      let a = lo;
      let b = hi;
      while (b - a > 1) {
        const mid = Math.floor((a + b) / 2);
        if (utcOffsetMinutes(timezone, mid) === loOffset) a = mid;
        else b = mid;
      }
      if (b < toMs) {
        found.push({
          at: b,
          offsetBeforeMinutes: loOffset,
          offsetAfterMinutes: hiOffset,
          kind: hiOffset > loOffset ? 'gap' : 'overlap',
        });
      }
    }
    lo = hi;
    loOffset = hiOffset;
  }
  return found;
}
