/**
 * A whole crontab line pasted where a pattern belongs (`0 5 * * 1-5 /usr/bin/backup.sh`), split
 * into its schedule and its command. How a line is read:
 * - `@nickname command` (`@daily /usr/bin/x`); `@every 5m command` keeps both words as the
 *   schedule, which the pattern check then explains.
 * - Five time fields, then the command: the crontab format itself (crontab(5)).
 * - Six (or seven) time fields, then the command, only when the sixth (and seventh) token can
 *   only be a time field (digits, `*`, ranges, day names such as MON-FRI): the seconds-first
 *   pattern of this editor, Spring and Quartz (a year last). No command starts with such a
 *   token, while `0 5 * * * echo` is a five-field line whose command is `echo`.
 * - The user column of /etc/crontab and /etc/cron.d is recognised only as `root` (dropped,
 *   with a note: the task runs as the person running Crontray); another user name would be
 *   read as the command's first word. Comments are not lines.
 * The command is kept exactly as written: it is a shell command line, meant for `sh`.
 */
export interface CrontabLine {
  pattern: string;
  command: string;
  /** Something the person should know about the command, or null. */
  note: string | null;
}

const NAMES =
  /^(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|sun|mon|tue|wed|thu|fri|sat|january|february|march|april|june|july|august|september|october|november|december|sunday|monday|tuesday|wednesday|thursday|friday|saturday)$/i;

/** True for a token that can only be a time field: cron's punctuation, L/W/H, day or month names. */
function isFieldToken(token: string): boolean {
  if (!/^[0-9a-z*?,/#()+-]+$/i.test(token)) return false;
  const words = token.match(/[a-z]+/gi) ?? [];
  // `friL` is the last Friday; only a day name may carry the L, or `mail` would be a field.
  return words.every(
    (w) => /^[LWH]$/i.test(w) || NAMES.test(w) || /^(sun|mon|tue|wed|thu|fri|sat)L$/i.test(w),
  );
}

/** The text after the first `count` whitespace-separated tokens, as written. */
function restAfter(line: string, count: number): string {
  const m = new RegExp(`^\\s*(?:\\S+\\s+){${count}}`).exec(line);
  return m ? line.slice(m[0].length).trim() : '';
}

const PERCENT_NOTE =
  'In a crontab, an unescaped % ends the command and starts its input; Crontray runs the command with % as written.';
const ROOT_NOTE =
  "The user column 'root' of a system crontab is left out: the task runs as the user running Crontray.";

/**
 * /etc/crontab and /etc/cron.d have a user column before the command. Only `root` is recognised
 * (no program has that name); another user name would be read as the command's first word.
 */
export function withoutUserColumn(rest: string): { command: string; asRoot: boolean } {
  const asRoot = /^root\s+\S/.test(rest);
  return { command: (asRoot ? rest.slice(4) : rest).trim(), asRoot };
}

function lineOf(pattern: string, rest: string): CrontabLine {
  const { command, asRoot } = withoutUserColumn(rest);
  const notes = [asRoot ? ROOT_NOTE : '', /(^|[^\\])%/.test(command) ? PERCENT_NOTE : ''];
  const note = notes.filter(Boolean).join(' ');
  return { pattern, command, note: note === '' ? null : note };
}

/** The schedule and command of a pasted crontab line, or null when `text` is not one. */
export function splitCrontabLine(text: string): CrontabLine | null {
  const line = text.trim();
  if (line === '' || line.startsWith('#')) return null;
  const tokens = line.split(/\s+/);
  const first = tokens[0] as string;
  if (first.startsWith('@')) {
    const size = first.toLowerCase() === '@every' ? 2 : 1;
    if (tokens.length <= size) return null;
    return lineOf(tokens.slice(0, size).join(' '), restAfter(line, size));
  }
  if (tokens.length < 6 || !tokens.slice(0, 5).every(isFieldToken)) return null;
  let size = 5;
  while (size < Math.min(7, tokens.length) && isFieldToken(tokens[size] as string)) size++;
  // No command starts with a time field: eight fields are a mistyped pattern, not a line.
  if (tokens.length <= size || isFieldToken(tokens[size] as string)) return null;
  return lineOf(tokens.slice(0, size).join(' '), restAfter(line, size));
}
