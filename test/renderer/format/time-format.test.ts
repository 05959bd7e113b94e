// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { formatAbsolute } from '../../../renderer/src/format/time-format.js';

// 05:00 UTC on 2 December 2026: 06:00 in Berlin (CET), midnight in New York (EST).
const AT = Date.UTC(2026, 11, 2, 5, 0, 0);

describe('an absolute date and time', () => {
  it('is written in the zone it is asked for, with the zone named', () => {
    const berlin = formatAbsolute(AT, 'Europe/Berlin');
    expect(berlin).toMatch(/6:00:00/);
    expect(berlin).toMatch(/GMT\+1|CET/);
    const newYork = formatAbsolute(AT, 'America/New_York');
    expect(newYork).toMatch(/12:00:00/);
    expect(newYork).toMatch(/EST|GMT-5/);
  });

  it('is written in the viewer’s zone when no zone is given', () => {
    const local = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
    expect(formatAbsolute(AT)).toBe(local.format(AT));
  });

  it('names the day of a zone east of the date line', () => {
    expect(formatAbsolute(Date.UTC(2026, 11, 2, 13, 0, 0), 'Pacific/Auckland')).toMatch(/Dec 3/);
  });
});
