import cronstrue from 'cronstrue';

/**
 * The pattern in plain words, from cronstrue; null when cronstrue cannot read it (nicknames
 * such as @hourly, or a pattern the service will explain the problem with).
 */
export function describeCron(pattern: string): string | null {
  if (pattern.trim() === '' || pattern.trim().startsWith('@')) return null;
  try {
    return cronstrue.toString(pattern, {
      throwExceptionOnParseError: true,
      use24HourTimeFormat: true,
      verbose: false,
    });
  } catch {
    return null;
  }
}
