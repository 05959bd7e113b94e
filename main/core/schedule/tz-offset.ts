const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timezone: string): Intl.DateTimeFormat {
  let f = formatters.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timezone, f);
  }
  return f;
}

/**
 * The zone's offset from UTC in minutes (east positive, Berlin in winter is 60) at `ms`.
 * Without a zone, the machine's zone.
 */
export function utcOffsetMinutes(timezone: string | undefined, ms: number): number {
  if (timezone === undefined) return -new Date(ms).getTimezoneOffset();
  const fields: Record<string, number> = {};
  for (const part of formatterFor(timezone).formatToParts(ms)) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  const wallAsUtc = Date.UTC(
    fields.year ?? 1970,
    (fields.month ?? 1) - 1,
    fields.day ?? 1,
    fields.hour ?? 0,
    fields.minute ?? 0,
    fields.second ?? 0,
  );
  return Math.round((wallAsUtc - (ms - (((ms % 1000) + 1000) % 1000))) / 60_000);
}
