import { withoutUserColumn } from '../schedule/crontab-line.js';

/**
 * One line of a crontab as cron reads it (Vixie cron / cronie, the `crontab -l` format): blank,
 * a comment, an environment setting, or an entry (five time fields or an @nickname, then the
 * command). Pure: no engine, no I/O.
 */
export type CrontabLine =
  | { kind: 'blank' }
  | { kind: 'comment'; text: string }
  | { kind: 'env'; name: string; value: string }
  | {
      kind: 'entry';
      pattern: string;
      nickname: string | null;
      command: string;
      /** Something the person should know about the line (a dropped user column), or null. */
      note: string | null;
    }
  | { kind: 'invalid'; reason: string };

/** Nicknames cron knows, as the five-field patterns they stand for; @reboot has none. */
export const CRON_NICKNAMES: Readonly<Record<string, string | null>> = {
  '@reboot': null,
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

// Cron's own rule: a line whose first word is NAME followed by '=' is an environment setting.
// A cron entry cannot start with a letter (minutes are digits, '*' or '@nickname').
const ENV_LINE = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=(.*)$/;
const FIVE_FIELDS = /^\s*(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S.*)$/;
const NICKNAME_LINE = /^\s*(@[A-Za-z]+)\s+(\S.*)$/;
const ROOT_NOTE = "the user column 'root' is left out: the task runs as the user running Crontray";

/** Cron strips one pair of matching quotes around a value; spaces outside them do not count. */
function unquote(raw: string): string {
  const value = raw.trim();
  const first = value[0];
  if (value.length >= 2 && (first === '"' || first === "'") && value.endsWith(first)) {
    return value.slice(1, -1);
  }
  return value;
}

/**
 * The entry's pattern and command. A `crontab -l` file has exactly five time fields, so no
 * guessing here: the editor's splitter (core/schedule/crontab-line.ts) also accepts pasted
 * seconds-first patterns. Both drop a `root` user column the same way.
 */
function entryOf(line: string, trimmed: string): CrontabLine {
  let pattern: string;
  let nickname: string | null = null;
  let rest: string;
  if (trimmed.startsWith('@')) {
    const nick = NICKNAME_LINE.exec(line);
    const name = (nick?.[1] ?? trimmed.split(/\s/)[0] ?? '').toLowerCase();
    const expanded = CRON_NICKNAMES[name];
    if (expanded === undefined) {
      return {
        kind: 'invalid',
        reason: `'${name}' is not a cron nickname (use @hourly, @daily, @weekly, @monthly, @yearly or @reboot)`,
      };
    }
    if (!nick?.[2]) return { kind: 'invalid', reason: `${name} has no command after it` };
    [pattern, nickname, rest] = [expanded ?? name, name, nick[2]];
  } else {
    const fields = FIVE_FIELDS.exec(line);
    if (!fields) {
      return {
        kind: 'invalid',
        reason: 'a cron line needs five time fields (minute hour day month weekday) and a command',
      };
    }
    [pattern, rest] = [fields.slice(1, 6).join(' '), fields[6] ?? ''];
  }
  const { command, asRoot } = withoutUserColumn(rest);
  return { kind: 'entry', pattern, nickname, command, note: asRoot ? ROOT_NOTE : null };
}

export function parseCrontabLine(raw: string): CrontabLine {
  const line = raw.replace(/\r$/, '');
  if (line.trim() === '') return { kind: 'blank' };
  const trimmed = line.trimStart();
  if (trimmed.startsWith('#')) return { kind: 'comment', text: trimmed.slice(1).trim() };
  const env = ENV_LINE.exec(line);
  if (env?.[1] !== undefined) return { kind: 'env', name: env[1], value: unquote(env[2] ?? '') };
  return entryOf(line, trimmed);
}
