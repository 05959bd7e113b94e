import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { Cron } from 'croner';
import { CronCache } from '../../../main/core/schedule/cron-cache.js';
import { cronNextAfter } from '../../../main/core/schedule/cron-times.js';
import { dueInstants, nextRunTimes } from '../../../main/core/schedule/schedule-times.js';
import { dstTransitions } from '../../../main/core/schedule/dst-transitions.js';
import { utcOffsetMinutes } from '../../../main/core/schedule/tz-offset.js';

const at = (s: string): number => Date.parse(s);
const isoList = (ms: number[]): string[] => ms.map((m) => new Date(m).toISOString());

function next(pattern: string, tz: string, from: string, count: number): string[] {
  return isoList(
    nextRunTimes({ kind: 'cron', pattern }, { timezone: tz, fromMs: at(from), count }),
  );
}

describe('cron next runs', () => {
  it('agree with croner’s zone-aware search around DST transitions (fast path checked)', () => {
    const cache = new CronCache(16);
    const patterns = [
      '30 2 * * *',
      '*/30 * * * *',
      '0 * * * *',
      '15 1 * * 0',
      '0 0 3 * * *',
      '*/7 * * * * *',
      '0 30 2 * * 1-5',
    ];
    const zones = ['Europe/Berlin', 'America/New_York', 'Australia/Sydney', 'UTC'];
    fc.assert(
      fc.property(
        fc.constantFrom(...patterns),
        fc.constantFrom(...zones),
        fc.integer({ min: at('2026-01-01T00:00:00Z'), max: at('2027-01-01T00:00:00Z') }),
        (pattern, tz, from) => {
          const expected =
            new Cron(pattern, { timezone: tz, paused: true }).nextRun(new Date(from))?.getTime() ??
            null;
          expect(cronNextAfter(cache, pattern, tz, 'or', from)).toBe(expected);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('in the Berlin spring gap, a fixed-time task runs once at 03:00 and wildcard times in the gap are skipped', () => {
    expect(next('30 2 * * *', 'Europe/Berlin', '2026-03-28T12:00:00Z', 2)).toEqual([
      '2026-03-29T01:00:00.000Z', // 03:00 CEST, the first valid time after the gap
      '2026-03-30T00:30:00.000Z', // 02:30 CEST
    ]);
    expect(next('*/30 * * * *', 'Europe/Berlin', '2026-03-29T00:15:00Z', 3)).toEqual([
      '2026-03-29T00:30:00.000Z', // 01:30 CET
      '2026-03-29T01:00:00.000Z', // 03:00 CEST: 02:00 and 02:30 do not exist
      '2026-03-29T01:30:00.000Z',
    ]);
  });

  it('in the Berlin autumn overlap, a fixed-time task runs once (first 02:30) and wildcard times run on both passes', () => {
    expect(next('30 2 * * *', 'Europe/Berlin', '2026-10-24T12:00:00Z', 2)).toEqual([
      '2026-10-25T00:30:00.000Z', // 02:30 CEST only
      '2026-10-26T01:30:00.000Z',
    ]);
    expect(next('*/30 2 * * *', 'Europe/Berlin', '2026-10-24T23:45:00Z', 4)).toEqual([
      '2026-10-25T00:00:00.000Z', // 02:00 CEST
      '2026-10-25T00:30:00.000Z', // 02:30 CEST
      '2026-10-25T01:00:00.000Z', // 02:00 CET
      '2026-10-25T01:30:00.000Z', // 02:30 CET
    ]);
  });

  it('in New York the spring gap moves 02:30 to 03:00 EDT and the autumn overlap runs 01:30 once', () => {
    expect(next('30 2 * * *', 'America/New_York', '2026-03-07T12:00:00Z', 2)).toEqual([
      '2026-03-08T07:00:00.000Z', // 03:00 EDT
      '2026-03-09T06:30:00.000Z',
    ]);
    expect(next('30 1 * * *', 'America/New_York', '2026-10-31T12:00:00Z', 2)).toEqual([
      '2026-11-01T05:30:00.000Z', // 01:30 EDT, not again at 01:30 EST
      '2026-11-02T06:30:00.000Z',
    ]);
    expect(next('0 * * * *', 'America/New_York', '2026-11-01T04:30:00Z', 3)).toEqual([
      '2026-11-01T05:00:00.000Z', // 01:00 EDT
      '2026-11-01T06:00:00.000Z', // 01:00 EST
      '2026-11-01T07:00:00.000Z', // 02:00 EST
    ]);
  });

  it('reads L, W, #, nicknames, Quartz steps and year fields', () => {
    const from = '2026-01-01T00:00:00Z';
    expect(next('0 0 * * 5L', 'UTC', from, 1)).toEqual(['2026-01-30T00:00:00.000Z']);
    expect(next('0 0 17W * *', 'UTC', from, 1)).toEqual(['2026-01-16T00:00:00.000Z']);
    expect(next('0 0 * * 1#2', 'UTC', from, 1)).toEqual(['2026-01-12T00:00:00.000Z']);
    expect(next('@weekly', 'UTC', from, 1)).toEqual(['2026-01-04T00:00:00.000Z']);
    expect(next('0/20 * * * * *', 'UTC', from, 2)).toEqual([
      '2026-01-01T00:00:20.000Z',
      '2026-01-01T00:00:40.000Z',
    ]);
    expect(next('0 0 0 1 1 * 2028', 'UTC', from, 2)).toEqual(['2028-01-01T00:00:00.000Z']);
  });

  it('combines day-of-month and day-of-week with OR by default and AND on request', () => {
    const or = nextRunTimes(
      { kind: 'cron', pattern: '0 0 13 * 5' },
      { timezone: 'UTC', fromMs: at('2026-01-01T00:00:00Z'), count: 2 },
    );
    const and = nextRunTimes(
      { kind: 'cron', pattern: '0 0 13 * 5', dayMatch: 'and' },
      { timezone: 'UTC', fromMs: at('2026-01-01T00:00:00Z'), count: 2 },
    );
    expect(isoList(or)).toEqual(['2026-01-02T00:00:00.000Z', '2026-01-09T00:00:00.000Z']);
    expect(isoList(and)).toEqual(['2026-02-13T00:00:00.000Z', '2026-03-13T00:00:00.000Z']);
  });
});

describe('interval, routine and once times', () => {
  it('an interval counts from startAt at a fixed rate and stops at until and maxCycles', () => {
    const start = at('2026-01-01T00:00:00Z');
    expect(
      nextRunTimes(
        { kind: 'interval', everyMs: 60_000, startAt: start, until: start + 150_000 },
        { fromMs: start - 1, count: 9 },
      ),
    ).toEqual([start, start + 60_000, start + 120_000]);
    expect(
      nextRunTimes(
        { kind: 'interval', everyMs: 1000, startAt: start, maxCycles: 2 },
        { fromMs: start - 1, count: 9 },
      ),
    ).toEqual([start, start + 1000]);
  });

  it('a once schedule has one instant, and none once it has passed', () => {
    const when = at('2026-05-01T10:00:00Z');
    expect(
      nextRunTimes({ kind: 'once', at: '2026-05-01T10:00:00Z' }, { fromMs: when - 5 }),
    ).toEqual([when]);
    expect(nextRunTimes({ kind: 'once', at: when }, { fromMs: when })).toEqual([]);
  });

  it('rejects an invalid schedule naming the field', () => {
    expect(() => nextRunTimes({ kind: 'interval', everyMs: 5 })).toThrow(
      /TaskScheduler: schedule.everyMs: everyMs must be at least 100 ms/,
    );
  });

  it('lists due instants in a window with a bounded list and an exact count', () => {
    const cache = new CronCache(4);
    const start = at('2026-01-01T00:00:00Z');
    const ctx = { cache, timezone: 'UTC', createdAt: start };
    const interval = dueInstants(
      { kind: 'interval', everyMs: 1000, startAt: start },
      ctx,
      start,
      start + 9_999,
      3,
      2,
    );
    expect(interval).toEqual({
      listed: [start, start + 1000, start + 2000],
      tail: [start + 8000, start + 9000],
      total: 10,
      exact: true,
    });
    const cron = dueInstants(
      { kind: 'cron', pattern: '* * * * * *', dayMatch: 'or' },
      ctx,
      start,
      start + 3 * 3600_000,
      5,
      1,
    );
    expect(cron.listed).toEqual([start, start + 1000, start + 2000, start + 3000, start + 4000]);
    expect(cron.tail).toEqual([start + 3 * 3600_000]);
    expect(cron.total).toBeGreaterThan(2000);
    expect(cron.exact).toBe(false);
  });
});

describe('dstTransitions', () => {
  it('finds the 2026 transitions of Berlin and New York to the exact instant', () => {
    expect(
      dstTransitions('Europe/Berlin', at('2026-01-01T00:00:00Z'), at('2027-01-01T00:00:00Z')),
    ).toEqual([
      {
        at: at('2026-03-29T01:00:00Z'),
        offsetBeforeMinutes: 60,
        offsetAfterMinutes: 120,
        kind: 'gap',
      },
      {
        at: at('2026-10-25T01:00:00Z'),
        offsetBeforeMinutes: 120,
        offsetAfterMinutes: 60,
        kind: 'overlap',
      },
    ]);
    expect(
      dstTransitions('America/New_York', at('2026-01-01T00:00:00Z'), at('2027-01-01T00:00:00Z')),
    ).toEqual([
      {
        at: at('2026-03-08T07:00:00Z'),
        offsetBeforeMinutes: -300,
        offsetAfterMinutes: -240,
        kind: 'gap',
      },
      {
        at: at('2026-11-01T06:00:00Z'),
        offsetBeforeMinutes: -240,
        offsetAfterMinutes: -300,
        kind: 'overlap',
      },
    ]);
  });

  it('finds nothing in a zone without DST', () => {
    expect(dstTransitions('UTC', at('2026-01-01T00:00:00Z'), at('2027-01-01T00:00:00Z'))).toEqual(
      [],
    );
    expect(utcOffsetMinutes('Asia/Kolkata', at('2026-06-01T00:00:00Z'))).toBe(330);
  });
});
