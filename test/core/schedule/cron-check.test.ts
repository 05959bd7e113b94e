import { describe, it, expect } from 'vitest';
import { CronCache } from '../../../main/core/schedule/cron-cache.js';
import { checkCronPattern } from '../../../main/core/schedule/cron-check.js';

const NOW = Date.UTC(2026, 11, 1, 12, 0, 0);
const cache = new CronCache();

function problem(pattern: string, dayMatch: 'or' | 'and' = 'or') {
  return checkCronPattern(cache, pattern, dayMatch, 'UTC', NOW);
}

function message(pattern: string): string | undefined {
  return problem(pattern)?.message;
}

describe('a refused cron pattern is explained in one sentence about the pattern', () => {
  it('names the value that does not exist and the field’s range', () => {
    expect(problem('61 * * * *')).toEqual({
      code: 'out-of-range',
      cronField: 'minute',
      message: 'Minute 61 does not exist: minutes run 0–59.',
    });
    expect(message('0 24 * * *')).toBe('Hour 24 does not exist: hours run 0–23.');
    expect(message('0 0 32 * *')).toBe(
      'Day of the month 32 does not exist: days of the month run 1–31.',
    );
    expect(message('0 0 0 * *')).toBe(
      'Day of the month 0 does not exist: days of the month run 1–31.',
    );
    expect(message('0 0 * 13 *')).toBe('Month 13 does not exist: months run 1–12 or JAN–DEC.');
    expect(message('0 0 * * 8')).toBe(
      'Day of the week 8 does not exist: days of the week run 0–7 (0 and 7 are Sunday) or SUN–SAT.',
    );
    expect(message('61 0 0 * * *')).toBe('Second 61 does not exist: seconds run 0–59.');
  });

  it('suggests what to write for a backwards range, a zero step or a step longer than the field', () => {
    expect(message('0 22-2 * * *')).toBe(
      "The hour range '22-2' runs backwards: write 2-22, or 22-23,0-2 to wrap around.",
    );
    expect(message('*/0 * * * *')).toBe(
      "The minute step '*/0' never moves on: write */1, or * for every value.",
    );
    expect(message('*/90 * * * *')).toBe(
      'A step of 90 is longer than the minute field (minutes run 0–59); for every 90 minutes, choose "Every fixed interval" as the schedule type.',
    );
  });

  it('says which names a field takes', () => {
    expect(problem('0 0 1 Sept *')).toMatchObject({
      cronField: 'month',
      message:
        "'Sept' in the month field is not a month name: write JAN–DEC, full names such as JANUARY, or 1–12.",
    });
    expect(message('0 0 * * MONN')).toBe(
      "'MONN' in the day of the week field is not a day name: write SUN–SAT, full names such as WEDNESDAY, or 0–7.",
    );
  });

  it('explains L, W and # where they do not fit', () => {
    expect(message('0 0 L-3W * *')).toBe(
      "The day of the month 'L-3W' is not understood: L stands alone, as in L (the last day), L-3 (three days before it) or LW (the last weekday).",
    );
    expect(message('0 0 L-40 * *')).toBe(
      'Day L-40 would fall before the first of every month: write L-1 to L-30 (L-3 is three days before the last day).',
    );
    expect(message('0 0 * * 1#6')).toBe(
      "The day of the week '1#6' is not understood: # takes a week 1–5, as in 5#3 (the third Friday of the month).",
    );
    expect(message('0 0 1-5W * *')).toBe(
      "The day of the month '1-5W' is not understood: W goes after one day of the month, as in 15W (the weekday nearest the 15th).",
    );
  });

  it('counts the fields, and recognises a pasted crontab line', () => {
    expect(message('* * *')).toBe(
      "A cron pattern has 5 fields (minute, hour, day of the month, month, day of the week), 6 with seconds first, or 7 with a year last; '* * *' has 3.",
    );
    expect(problem('0 5 * * 1-5 /usr/bin/backup.sh')).toEqual({
      code: 'crontab-line',
      cronField: null,
      message:
        "This looks like a whole crontab line: the schedule is '0 5 * * 1-5' and the rest ('/usr/bin/backup.sh') is a command, which belongs in the task's action.",
    });
  });

  it('turns down what is not a time, with what to use instead', () => {
    expect(problem('@reboot')).toMatchObject({ code: 'not-a-schedule', cronField: null });
    expect(message('@every 5m')).toBe(
      '\'@every 5m\' is an interval, not a cron pattern: choose "Every fixed interval" as the schedule type and enter 5m there.',
    );
    expect(message('@fortnightly')).toMatch(/^'@fortnightly' is not a cron nickname: use @hourly/);
  });

  it('says why a pattern that parses never fires', () => {
    expect(problem('0 0 30 2 *')).toEqual({
      code: 'never-fires',
      cronField: 'day',
      message: "The pattern '0 0 30 2 *' never fires after 2026-12-01: February has no day 30.",
    });
    expect(message('0 0 31 APR,jun *')).toBe(
      "The pattern '0 0 31 APR,jun *' never fires after 2026-12-01: April and June have no day 31.",
    );
    expect(message('0 0 0 1 1 ? 2020')).toBe(
      "The pattern '0 0 0 1 1 ? 2020' never fires after 2026-12-01: its last year, 2020, is past.",
    );
    expect(problem('70/5 * * * * *')).toEqual({
      code: 'empty-field',
      cronField: 'second',
      message:
        "'70/5' starts past the end of the second field, so the pattern never fires: seconds run 0–59.",
    });
  });

  it('never names an internal module', () => {
    for (const pattern of [
      '61 * * * *',
      '0 0 x * *',
      '0 0 * * +',
      '0 0 #3 * *',
      '* * * * * * * *',
    ]) {
      expect(message(pattern)).toMatch(/^[^\n]+\.$/);
      expect(message(pattern)).not.toMatch(/CronPattern|TaskScheduler|croner|configuration entry/);
    }
  });

  it('accepts what can fire, in every dialect it reads', () => {
    for (const pattern of [
      '0 0 L-3 * *',
      '0 0 12 * * WEDNESDAY',
      'H/15 * * * *',
      '@quarterly',
      '0 0 29 2 *',
    ]) {
      expect(problem(pattern)).toBeNull();
      expect(problem(pattern, 'and')).toBeNull();
    }
  });
});
