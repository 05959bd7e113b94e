import { describe, expect, it } from 'vitest';
import { refreshDelay } from '../../main/api/relative-refresh.js';

const START = Date.UTC(2026, 11, 1, 12, 0, 0);

describe('how often relative times are redrawn', () => {
  it('every second while something is under a minute away, before or after now', () => {
    expect(refreshDelay([START + 3_000], START)).toBe(1_000);
    expect(refreshDelay([START - 45_000], START)).toBe(1_000);
    expect(refreshDelay([START - 5 * 60_000], START)).toBe(30_000);
    expect(refreshDelay([], START)).toBe(30_000);
  });

  it('exactly when the nearest run comes within a minute, and at least every 30 s', () => {
    expect(refreshDelay([START + 75_000], START)).toBe(15_001);
    expect(refreshDelay([START + 60 * 60_000, START + 80_000], START)).toBe(20_001);
    expect(refreshDelay([START + 10 * 60_000, null], START)).toBe(30_000);
  });
});
