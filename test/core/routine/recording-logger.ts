import type { Logger } from '../../../main/core/log/logger.js';

export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  meta: unknown[];
}

/** A real Logger that keeps every line, so tests can read what a user would have seen. */
export function recordingLogger(): Logger & {
  lines: LogLine[];
  messages(level?: LogLine['level']): string[];
} {
  const lines: LogLine[] = [];
  const at =
    (level: LogLine['level']) =>
    (message: string, ...meta: unknown[]): void => {
      lines.push({ level, message, meta });
    };
  return {
    lines,
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    messages: (level) =>
      lines.filter((l) => level === undefined || l.level === level).map((l) => l.message),
  };
}
