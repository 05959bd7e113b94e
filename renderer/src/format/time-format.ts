const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
  ['second', 1000],
];

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto', style: 'short' });

/** "in 3 min", "2 hr. ago": the largest unit that fits, rounded toward now. */
export function formatRelative(at: number, now: number): string {
  const delta = at - now;
  const size = Math.abs(delta);
  if (size < 1000) return 'now';
  for (const [unit, ms] of UNITS) {
    if (size >= ms || unit === 'second') return relative.format(Math.trunc(delta / ms), unit);
  }
  return relative.format(Math.trunc(delta / 1000), 'second');
}

const absolute = new Map<string, Intl.DateTimeFormat>();

/**
 * A full date and time, for title attributes and detail views: in the viewer's zone, or in
 * `timeZone` with the zone's name. The name comes from timeStyle 'long': Intl refuses
 * `timeZoneName` beside `dateStyle`/`timeStyle` (a TypeError in Chromium and Node alike).
 * Formatters are kept, since building one costs more than formatting with it.
 */
export function formatAbsolute(at: number, timeZone?: string): string {
  const key = timeZone ?? '';
  let format = absolute.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(undefined, {
      dateStyle: 'medium',
      timeStyle: timeZone ? 'long' : 'medium',
      ...(timeZone ? { timeZone } : {}),
    });
    absolute.set(key, format);
  }
  return format.format(at);
}

/** "850 ms", "12.3 s", "4 min 05 s", "2 h 10 min". */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  if (ms < 3_600_000) {
    const s = Math.round(ms / 1000);
    return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  }
  const m = Math.round(ms / 60_000);
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

/** The value a datetime-local input holds for an instant, in the browser's zone. */
export function toLocalInputValue(at: number): string {
  const d = new Date(at);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
