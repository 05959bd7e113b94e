import type { Logger } from '../../main/core/log/logger.js';

export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  meta: unknown[];
}

/** A real Logger that keeps every line, so tests can read what a user would have seen. */
export interface RecordingLogger extends Logger {
  lines: LogLine[];
  /** The messages logged, at one level or at any. */
  messages(level?: LogLine['level']): string[];
  /** Every line as `level message details…`, errors with their stack, for a failure message. */
  text(): string;
}

function detail(meta: unknown): string {
  return meta instanceof Error ? `${meta.message}\n${meta.stack}` : String(meta);
}

export function recordingLogger(): RecordingLogger {
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
    text: () => lines.map((l) => [l.level, l.message, ...l.meta.map(detail)].join(' ')).join('\n'),
  };
}
