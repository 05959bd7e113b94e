/** Small statistics for benchmark samples. */

/** The q-quantile (0..1) of numbers, by nearest rank on a sorted copy. */
export function quantile(values, q) {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank];
}

export function median(values) {
  return quantile(values, 0.5);
}

/** Median, p95 and max of a sample, rounded to 0.01. */
export function summary(values) {
  const round = (v) => (v === null ? null : Math.round(v * 100) / 100);
  return {
    n: values.length,
    median: round(median(values)),
    p95: round(quantile(values, 0.95)),
    p99: round(quantile(values, 0.99)),
    max: round(values.length ? Math.max(...values) : null),
  };
}

/**
 * Date.now() in sub-millisecond resolution: performance.now() shifted onto the wall clock.
 * performance.timeOrigin and Date.now() drift apart (NTP slews, a process started long ago), so
 * the offset is measured now, as the median of many paired reads, instead of trusting timeOrigin.
 */
export function wallClock() {
  const offsets = [];
  for (let i = 0; i < 2000; i++) {
    const before = performance.now();
    const wall = Date.now();
    const after = performance.now();
    // Date.now() truncates to the ms: its true value lies in [wall, wall + 1).
    offsets.push(wall + 0.5 - (performance.timeOrigin + (before + after) / 2));
  }
  const offset = median(offsets);
  return {
    offset,
    timeOriginDrift: offset,
    now: () => performance.timeOrigin + performance.now() + offset,
  };
}
