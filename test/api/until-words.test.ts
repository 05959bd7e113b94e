import { describe, expect, it } from 'vitest';
import { untilWords } from '../../main/api/until-words.js';

/** Local wall times, so the words are the same in any zone the tests run in. */
const NOW = new Date(2026, 11, 2, 14, 5).getTime();

describe('a "Do not run until …" time in words', () => {
  it('says the time, weekday, day and month, long for records and short for the tray', () => {
    const at = new Date(2026, 11, 3, 8, 0).getTime();
    expect(untilWords(at, NOW)).toBe('08:00 Thursday 3 December');
    expect(untilWords(at, NOW, 'short')).toBe('08:00 Thu 3 Dec');
  });

  it('adds the year when it is not this year', () => {
    expect(untilWords(new Date(2027, 0, 4, 7, 30).getTime(), NOW)).toBe(
      '07:30 Monday 4 January 2027',
    );
  });
});
