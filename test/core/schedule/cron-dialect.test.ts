import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { CronCache } from '../../../main/core/schedule/cron-cache.js';
import { cronNextAfter, cronPreviousRuns } from '../../../main/core/schedule/cron-times.js';
import { nextRunTimes } from '../../../main/core/schedule/schedule-times.js';
import { describeCron } from '../../../main/core/service/schedule-text.js';

const at = (s: string): number => Date.parse(s);
const iso = (ms: number[]): string[] => ms.map((t) => new Date(t).toISOString());

function runs(pattern: string, from: string, count: number, timezone = 'UTC'): string[] {
  return iso(nextRunTimes({ kind: 'cron', pattern }, { timezone, count, fromMs: at(from) }));
}

/** The next minute after `from` (UTC) matching `matches`, by looking at every minute. */
function bruteNext(from: number, matches: (d: Date) => boolean): number {
  let t = Math.floor(from / 60_000) * 60_000 + 60_000;
  while (!matches(new Date(t))) t += 60_000;
  return t;
}

function lastDay(d: Date): number {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
}

describe("Quartz's L-n: n days before the last day of the month", () => {
  it('runs three days before the last day, in short, long and leap months', () => {
    expect(runs('0 0 L-3 * *', '2027-01-01T00:00:00Z', 4)).toEqual([
      '2027-01-28T00:00:00.000Z',
      '2027-02-25T00:00:00.000Z',
      '2027-03-28T00:00:00.000Z',
      '2027-04-27T00:00:00.000Z',
    ]);
    expect(runs('0 15 10 L-2 * ?', '2028-02-01T00:00:00Z', 1)).toEqual([
      '2028-02-27T10:15:00.000Z',
    ]);
  });

  it('is read on the task’s own calendar, with croner’s DST rules for the time of day', () => {
    // Berlin, 2026-10-25 (L-6 of October) repeats 02:00-03:00: a fixed time runs on the first pass.
    expect(runs('30 2 L-6 * *', '2026-10-01T00:00:00Z', 1, 'Europe/Berlin')).toEqual([
      '2026-10-25T00:30:00.000Z',
    ]);
    // Midnight in Tokyo is the previous UTC day.
    expect(runs('0 0 L-1 * *', '2026-01-01T00:00:00Z', 1, 'Asia/Tokyo')).toEqual([
      '2026-01-29T15:00:00.000Z',
    ]);
  });

  it('combines with other days of the month and with weekdays as classic cron does', () => {
    // 15th, L-3 (the 28th of January 2026), or any Monday.
    expect(runs('0 12 L-3,15 * MON', '2026-01-01T00:00:00Z', 6)).toEqual([
      '2026-01-05T12:00:00.000Z',
      '2026-01-12T12:00:00.000Z',
      '2026-01-15T12:00:00.000Z',
      '2026-01-19T12:00:00.000Z',
      '2026-01-26T12:00:00.000Z',
      '2026-01-28T12:00:00.000Z',
    ]);
  });

  it('gives the minute-by-minute answer for any offset, time, weekday and day rule', () => {
    const cache = new CronCache(16, 64);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 27 }),
        fc.integer({ min: 0, max: 23 }),
        fc.constantFrom('*', '1-5', '0,6'),
        fc.constantFrom<'or' | 'and'>('or', 'and'),
        fc.integer({ min: at('2025-01-01T00:00:00Z'), max: at('2029-01-01T00:00:00Z') }),
        (n, hour, dow, dayMatch, from) => {
          const weekdays = dow === '*' ? null : dow === '1-5' ? [1, 2, 3, 4, 5] : [0, 6];
          const expected = bruteNext(from, (d) => {
            if (d.getUTCMinutes() !== 30 || d.getUTCHours() !== hour) return false;
            const onDay = d.getUTCDate() === lastDay(d) - n;
            if (weekdays === null) return onDay;
            const onWeekday = weekdays.includes(d.getUTCDay());
            return dayMatch === 'and' ? onDay && onWeekday : onDay || onWeekday;
          });
          const pattern = `30 ${hour} L-${n} * ${dow}`;
          expect(cronNextAfter(cache, pattern, 'UTC', dayMatch, from)).toBe(expected);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('lists previous runs as the next runs in reverse', () => {
    const cache = new CronCache();
    const next = nextRunTimes(
      { kind: 'cron', pattern: '0 */8 L-1 * *' },
      {
        timezone: 'Europe/Berlin',
        count: 9,
        fromMs: at('2026-02-01T00:00:00Z'),
        cache,
      },
    );
    const last = next[next.length - 1] as number;
    expect(cronPreviousRuns(cache, '0 */8 L-1 * *', 'Europe/Berlin', 'or', last, 9)).toEqual(
      [...next].reverse(),
    );
  });
});

describe('day and month names', () => {
  it('accept full names in any case, as their three-letter forms', () => {
    const from = '2026-03-01T00:00:00Z';
    expect(runs('0 12 * * WEDNESDAY', from, 3)).toEqual(runs('0 12 * * WED', from, 3));
    expect(runs('0 9 * * monday-Friday', from, 6)).toEqual(runs('0 9 * * 1-5', from, 6));
    expect(runs('0 0 9 1 JANUARY,july *', from, 2)).toEqual([
      '2026-07-01T09:00:00.000Z',
      '2027-01-01T09:00:00.000Z',
    ]);
    expect(runs('0 0 0 * * FRIDAYL', from, 1)).toEqual(['2026-03-27T00:00:00.000Z']);
  });

  it('keep the fast path: a pattern with full names is parsed without croner', () => {
    const cache = new CronCache();
    expect(cache.simple('0 12 * * WEDNESDAY', 'or')).not.toBeNull();
    expect(cache.size).toBe(0);
  });
});

describe("Jenkins' H", () => {
  it('stands for one value per field, the same every time the pattern is read', () => {
    const first = runs('H H(0-7) * * *', '2026-03-01T00:00:00Z', 3);
    expect(runs('H H(0-7) * * *', '2026-03-01T00:00:00Z', 3)).toEqual(first);
    const times = first.map((t) => t.slice(11, 16));
    expect(new Set(times).size).toBe(1);
    expect(Number(times[0]?.slice(0, 2))).toBeLessThanOrEqual(7);
  });

  it('is described with the values it stands for', () => {
    const minute = runs('H/15 * * * *', '2026-03-01T00:00:00Z', 1)[0]?.slice(14, 16);
    expect(describeCron('H/15 * * * *')).toBe(
      `Every 15 minutes, minutes ${Number(minute)} through 59 past the hour`,
    );
  });

  it('with a step, runs every step from a hashed start', () => {
    const minutes = runs('H/15 * * * *', '2026-03-01T00:00:00Z', 4).map((t) =>
      Number(t.slice(14, 16)),
    );
    expect(minutes.map((m) => m - (minutes[0] as number))).toEqual([0, 15, 30, 45]);
    expect(minutes[0]).toBeLessThan(15);
  });
});

describe('nicknames', () => {
  it('include systemd’s minutely, quarterly and semiannually', () => {
    expect(runs('@quarterly', '2026-02-10T00:00:00Z', 2)).toEqual([
      '2026-04-01T00:00:00.000Z',
      '2026-07-01T00:00:00.000Z',
    ]);
    expect(runs('@semiannually', '2026-02-10T00:00:00Z', 2)).toEqual([
      '2026-07-01T00:00:00.000Z',
      '2027-01-01T00:00:00.000Z',
    ]);
    expect(runs('@minutely', '2026-02-10T00:00:30Z', 1)).toEqual(['2026-02-10T00:01:00.000Z']);
    expect(describeCron('@quarterly')).toBe(
      'At 00:00, on day 1 of the month, only in January, April, July, and October',
    );
  });
});
