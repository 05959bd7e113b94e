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

/** The offset (minutes, east positive) by asking Intl: exact, but ~4 us and garbage per call. */
export function intlOffsetMinutes(timezone: string, ms: number): number {
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

/** A zone's offsets over one UTC year: the offset at its start and each change after it. */
interface YearTable {
  startOffset: number;
  changes: { at: number; offset: number }[];
}

const SCAN_STEP_MS = 6 * 3600_000;
const MAX_TABLES = 256;
const tables = new Map<string, YearTable>();

/** The table asked for last: most calls ask for the same zone and year again. */
let last: { timezone: string; year: number; table: YearTable } | null = null;

function yearTable(timezone: string, year: number): YearTable {
  if (last !== null && last.year === year && last.timezone === timezone) return last.table;
  const key = `${timezone}\u0000${year}`;
  let table = tables.get(key);
  if (table) {
    last = { timezone, year, table };
    return table;
  }
  const start = Date.UTC(year, 0, 1);
  const end = Date.UTC(year + 1, 0, 1);
  table = { startOffset: intlOffsetMinutes(timezone, start), changes: [] };
  let lo = start;
  let loOffset = table.startOffset;
  while (lo < end) {
    const hi = Math.min(lo + SCAN_STEP_MS, end);
    const hiOffset = intlOffsetMinutes(timezone, hi);
    if (hiOffset !== loOffset) {
      let a = lo;
      let b = hi;
      while (b - a > 1) {
        const mid = Math.floor((a + b) / 2);
        if (intlOffsetMinutes(timezone, mid) === loOffset) a = mid;
        else b = mid;
      }
      if (b < end) table.changes.push({ at: b, offset: hiOffset });
    }
    lo = hi;
    loOffset = hiOffset;
  }
  if (tables.size >= MAX_TABLES) tables.clear();
  tables.set(key, table);
  last = { timezone, year, table };
  return table;
}

/**
 * The zone's offset from UTC in minutes (east positive, Berlin in winter is 60) at `ms`.
 * Without a zone, the machine's zone. Zones are read from a per-year table of their offset
 * changes (built once per zone and year, ~5 ms), because the engine asks twice per next-run
 * computation and Intl costs ~4 us a call.
 */
export function utcOffsetMinutes(timezone: string | undefined, ms: number): number {
  if (timezone === undefined) return -new Date(ms).getTimezoneOffset();
  const table = yearTable(timezone, new Date(ms).getUTCFullYear());
  let offset = table.startOffset;
  for (const change of table.changes) {
    if (change.at > ms) break;
    offset = change.offset;
  }
  return offset;
}

let machineZone: string | undefined;

/** The machine's zone name, which Date's local time follows. */
function machineZoneName(): string {
  machineZone ??= new Intl.DateTimeFormat().resolvedOptions().timeZone;
  return machineZone;
}

/**
 * True when the zone's offset changes at some instant in (fromMs, toMs]: the per-year tables
 * answer without Intl calls once built.
 */
export function offsetChangesBetween(
  timezone: string | undefined,
  fromMs: number,
  toMs: number,
): boolean {
  const zone = timezone ?? machineZoneName();
  const lastYear = new Date(toMs).getUTCFullYear();
  for (let year = new Date(fromMs).getUTCFullYear(); year <= lastYear; year++) {
    for (const change of yearTable(zone, year).changes) {
      if (change.at > fromMs && change.at <= toMs) return true;
    }
  }
  return false;
}
