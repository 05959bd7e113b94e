import { createWriteStream, mkdirSync, renameSync, statSync } from 'node:fs';
import type { WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import { inspect } from 'node:util';
import type { Logger } from './logger.js';

export interface FileLoggerOptions {
  /** Where lines go, e.g. <dataDir>/logs/crontray.log. */
  path: string;
  /** A file bigger than this at open is renamed to `<path>.1` (one old file kept). Default 5 MiB. */
  maxBytes?: number;
  /** Write debug lines too. Default false. */
  debug?: boolean;
}

export interface FileLogger extends Logger {
  /** Flushes what is buffered and closes the file. */
  close(): Promise<void>;
}

function line(level: string, message: string, meta: unknown[]): string {
  const extra = meta.map((m) =>
    m instanceof Error ? (m.stack ?? m.message) : inspect(m, { depth: 4 }),
  );
  return `${new Date().toISOString()} ${level.toUpperCase().padEnd(5)} ${[message, ...extra].join(' ')}\n`;
}

/**
 * A desktop app has no console a user can read, so the log goes to a file in the data folder.
 * Writes are buffered by a stream and never block a caller; a write error is dropped rather than
 * turned into an exception in whatever code was logging.
 */
export function fileLogger(options: FileLoggerOptions): FileLogger {
  mkdirSync(dirname(options.path), { recursive: true });
  try {
    if (statSync(options.path).size > (options.maxBytes ?? 5 * 1024 * 1024)) {
      renameSync(options.path, `${options.path}.1`);
    }
  } catch {
    // No file yet.
  }
  const stream: WriteStream = createWriteStream(options.path, { flags: 'a', mode: 0o600 });
  stream.on('error', () => undefined);
  const write =
    (level: string) =>
    (message: string, ...meta: unknown[]) => {
      if (!stream.destroyed) stream.write(line(level, message, meta));
    };
  return {
    debug: options.debug ? write('debug') : () => undefined,
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    close: () => new Promise((resolve) => stream.end(() => resolve())),
  };
}

/** Sends every line to each of the loggers. */
export function teeLogger(...loggers: Logger[]): Logger {
  return {
    debug: (m, ...meta) => loggers.forEach((l) => l.debug(m, ...meta)),
    info: (m, ...meta) => loggers.forEach((l) => l.info(m, ...meta)),
    warn: (m, ...meta) => loggers.forEach((l) => l.warn(m, ...meta)),
    error: (m, ...meta) => loggers.forEach((l) => l.error(m, ...meta)),
  };
}
