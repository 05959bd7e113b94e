import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { Cron } from 'croner';
import { parseSimpleCron } from '../../../main/core/schedule/simple-cron.js';
import { CronCache } from '../../../main/core/schedule/cron-cache.js';
import { cronNextAfter } from '../../../main/core/schedule/cron-times.js';
import { dstTransitions } from '../../../main/core/schedule/dst-transitions.js';

const at = (s: string): number => Date.parse(s);

/** A field as people write it, sometimes out of range or malformed, within [lo - 1, hi + 1]. */
function fieldText(lo: number, hi: number, names: string[] = []): fc.Arbitrary<string> {
  const n = fc.integer({ min: Math.max(0, lo - 1), max: hi + 1 });
  const step = fc.integer({ min: 0, max: hi + 2 });
  const single = fc.oneof(
    { weight: 3, arbitrary: n.map(String) },
    { weight: 2, arbitrary: fc.constant('*') },
    { weight: 2, arbitrary: fc.tuple(n, n).map(([a, b]) => `${a}-${b}`) },
    { weight: 2, arbitrary: step.map((s) => `*/${s}`) },
    { weight: 1, arbitrary: fc.tuple(n, n, step).map(([a, b, s]) => `${a}-${b}/${s}`) },
    { weight: 1, arbitrary: fc.tuple(n, step).map(([a, s]) => `${a}/${s}`) },
    { weight: 1, arbitrary: step.map((s) => `/${s}`) },
    ...(names.length > 0
      ? [
          { weight: 2, arbitrary: fc.constantFrom(...names) },
          {
            weight: 1,
            arbitrary: fc
              .tuple(fc.constantFrom(...names), fc.constantFrom(...names))
              .map(([a, b]) => `${a}-${b}`),
          },
        ]
      : []),
  );
  return fc.oneof(
    { weight: 4, arbitrary: single },
    { weight: 1, arbitrary: fc.tuple(single, single).map(([a, b]) => `${a},${b}`) },
  );
}

const patternText = fc
  .tuple(
    fc.boolean(),
    fieldText(0, 59),
    fieldText(0, 59),
    fieldText(0, 23),
    fieldText(1, 31),
    fieldText(1, 12, ['JAN', 'mar', 'Dec']),
    fieldText(0, 7, ['MON', 'fri', 'SUN']),
  )
  .map(([withSeconds, s, m, h, dom, mon, dow]) =>
    withSeconds ? `${s} ${m} ${h} ${dom} ${mon} ${dow}` : `${m} ${h} ${dom} ${mon} ${dow}`,
  );

function cronerOrError(pattern: string, dayMatch: 'or' | 'and'): Cron | Error {
  try {
    return new Cron(pattern, { sloppyRanges: true, domAndDow: dayMatch === 'and', paused: true });
  } catch (error) {
    return error as Error;
  }
}

describe('simple cron patterns', () => {
  it('are accepted only when croner accepts them, and give croner’s next run at any fixed offset', () => {
    fc.assert(
      fc.property(
        patternText,
        fc.constantFrom<'or' | 'and'>('or', 'and'),
        fc.integer({ min: at('2024-01-01T00:00:00Z'), max: at('2030-01-01T00:00:00Z') }),
        fc.integer({ min: -720, max: 840 }),
        (pattern, dayMatch, from, offset) => {
          const simple = parseSimpleCron(pattern, dayMatch);
          const croner = cronerOrError(pattern, dayMatch);
          if (croner instanceof Error) {
            expect(simple).toBeNull();
            return;
          }
          expect(simple).not.toBeNull();
          // croner searches forever when a field has no value ('70/5'); the engine refuses those.
          if (simple?.emptyField) return;
          croner.options.utcOffset = offset;
          const expected = croner.nextRun(new Date(from))?.getTime() ?? null;
          const got = simple?.nextAfter(from, offset) ?? -1;
          // -1: nothing within 30 years, left to croner (it may still find a far-off run).
          if (got !== -1 || expected === null) expect(got === -1 ? null : got).toBe(expected);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('leave L, W, #, ?, nicknames, "+" and year lists to croner', () => {
    for (const p of [
      '0 0 L * *',
      '0 0 15W * *',
      '0 0 * * 5#2',
      '0 0 ? * MON',
      '@daily',
      '0 0 * * +MON',
      '0 0 0 * * * 2030',
    ]) {
      expect(parseSimpleCron(p, 'or')).toBeNull();
      expect(cronerOrError(p, 'or')).not.toBeInstanceOf(Error);
    }
    expect(parseSimpleCron('0 0 0 * * * *', 'or')).not.toBeNull();
  });

  it('name a field left without values (a step starting past its end), which croner would search for forever', () => {
    expect(parseSimpleCron('70/5 * * * * *', 'or')?.emptyField).toBe('second');
    expect(parseSimpleCron('0 0 0 32/3 * *', 'or')?.emptyField).toBe('day');
    expect(parseSimpleCron('0 0 0 1 * *', 'or')?.emptyField).toBeNull();
  });

  // Thousands of croner searches across zones and years: 5-57 s on a loaded 2-core machine.
  it(
    'give croner’s zone-aware answers across zones and DST transitions',
    { timeout: 120_000 },
    () => {
      const zones = [
        'Europe/Berlin',
        'America/New_York',
        'Australia/Sydney',
        'Australia/Lord_Howe',
        'America/Santiago',
        'Asia/Tokyo',
      ];
      // Instants near each transition of 2025-2027, where the fast path must step aside.
      const near = zones.flatMap((zone) =>
        dstTransitions(zone, at('2025-01-01T00:00:00Z'), at('2028-01-01T00:00:00Z')).map(
          (t) => t.at,
        ),
      );
      const cache = new CronCache(8, 64);
      fc.assert(
        fc.property(
          fc.oneof(
            patternText.filter((p) => parseSimpleCron(p, 'or') !== null),
            fc
              .tuple(
                fc.integer({ min: 0, max: 59 }),
                fc.integer({ min: 0, max: 59 }),
                fc.integer({ min: 0, max: 23 }),
              )
              .map(([s, m, h]) => `${s} ${m} ${h} * * *`),
            fc.constantFrom(
              '30 2 * * *',
              '*/30 * * * *',
              '0 * * * *',
              '15 1 * * 0',
              '*/7 * * * * *',
              '0 30 2 * * 1-5',
            ),
          ),
          fc.constantFrom(...zones),
          fc.oneof(
            fc.integer({ min: at('2025-01-01T00:00:00Z'), max: at('2028-01-01T00:00:00Z') }),
            fc
              .tuple(
                fc.constantFrom(...near),
                fc.integer({ min: -2 * 86_400_000, max: 2 * 86_400_000 }),
              )
              .map(([t, d]) => t + d),
          ),
          (pattern, zone, from) => {
            const expected =
              new Cron(pattern, { timezone: zone, sloppyRanges: true, paused: true })
                .nextRun(new Date(from))
                ?.getTime() ?? null;
            expect(cronNextAfter(cache, pattern, zone, 'or', from)).toBe(expected);
          },
        ),
        { numRuns: 300 },
      );
    },
  );
});
