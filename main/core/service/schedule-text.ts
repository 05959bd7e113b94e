import cronstrue from 'cronstrue';
import type { Schedule } from '../model/schedule.js';
import { cronAsWritten } from '../schedule/cron-dialect.js';

/** "5 minutes", "1 hour 30 minutes", "250 ms". */
export function describeDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  const parts: string[] = [];
  let rest = Math.round(ms / 1000);
  for (const [unit, size] of [
    ['day', 86_400],
    ['hour', 3600],
    ['minute', 60],
    ['second', 1],
  ] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) parts.push(`${n} ${unit}${n === 1 ? '' : 's'}`);
    rest -= n * size;
  }
  return parts.join(' ');
}

/** Formats an instant in a zone, e.g. "2026-03-29 03:00:00 CEST". */
export function formatInZone(ms: number, timezone: string | undefined): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: timezone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  }).formatToParts(new Date(ms));
  const get = (type: Intl.DateTimeFormatPartTypes) =>
    parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}:${get('second')} ${get('timeZoneName')}`;
}

/** A plain-language description of a cron pattern (cronstrue), or null when it cannot say. */
export function describeCron(pattern: string): string | null {
  try {
    // Nicknames, full names and Jenkins' H as the engine reads them.
    return cronstrue.toString(cronAsWritten(pattern), {
      use24HourTimeFormat: true,
      verbose: false,
    });
  } catch {
    return null;
  }
}

/** The schedule in words, as the task table shows it. */
export function describeSchedule(schedule: Schedule, timezone: string | undefined): string {
  switch (schedule.kind) {
    case 'cron': {
      const words = describeCron(schedule.pattern) ?? schedule.pattern;
      const zone = timezone ? ` (${timezone})` : '';
      const match = schedule.dayMatch === 'and' ? ', when both day fields match' : '';
      return `${words}${match}${zone}`;
    }
    case 'interval': {
      const limits = [
        schedule.maxCycles !== undefined ? `${schedule.maxCycles} times` : null,
        schedule.until !== undefined ? `until ${formatInZone(schedule.until, timezone)}` : null,
      ].filter(Boolean);
      return `Every ${describeDuration(schedule.everyMs)}${limits.length ? `, ${limits.join(', ')}` : ''}`;
    }
    case 'routine':
      return `${describeDuration(schedule.waitMs)} after each run ends`;
    case 'once':
      return `Once, at ${formatInZone(schedule.at, timezone)}`;
  }
}
