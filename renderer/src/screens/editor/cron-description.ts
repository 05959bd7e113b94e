import cronstrue from 'cronstrue';
import { cronAsWritten } from '../../../../main/core/schedule/cron-dialect.js';

/**
 * The pattern in plain words, from cronstrue, read as the engine reads it (nicknames, full day
 * and month names, Jenkins' H); null when cronstrue cannot read it (a pattern the service will
 * explain the problem with, or @reboot, which is no schedule).
 */
export function describeCron(pattern: string): string | null {
  const readable = cronAsWritten(pattern);
  if (readable === '' || readable.startsWith('@')) return null;
  try {
    return cronstrue.toString(readable, {
      throwExceptionOnParseError: true,
      use24HourTimeFormat: true,
      verbose: false,
    });
  } catch {
    return null;
  }
}
