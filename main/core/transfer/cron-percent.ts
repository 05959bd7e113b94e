/**
 * Cron's `%` rule (Vixie cron's do_command): the first unescaped `%` ends the command, and the
 * rest is the command's standard input with every unescaped `%` turned into a newline. `\%` is a
 * literal `%` in both parts; any other backslash is kept as written.
 */
export interface PercentSplit {
  command: string;
  /** null when the line has no unescaped `%`. */
  stdin: string | null;
}

export function splitCronPercent(raw: string): PercentSplit {
  let command = '';
  let i = 0;
  for (; i < raw.length; i++) {
    const ch = raw[i];
    if (ch === '\\' && raw[i + 1] === '%') {
      command += '%';
      i++;
    } else if (ch === '%') break;
    else command += ch;
  }
  if (i >= raw.length) return { command, stdin: null };
  let stdin = '';
  for (i++; i < raw.length; i++) {
    const ch = raw[i];
    if (ch === '\\' && raw[i + 1] === '%') {
      stdin += '%';
      i++;
    } else stdin += ch === '%' ? '\n' : ch;
  }
  return { command, stdin };
}

/** The inverse, for export: a command and its input as one crontab field. */
export function joinCronPercent(command: string, stdin: string | null): string {
  const escape = (s: string) => s.replace(/%/g, '\\%');
  if (stdin === null) return escape(command);
  return `${escape(command)}%${escape(stdin).replace(/\n/g, '%')}`;
}
