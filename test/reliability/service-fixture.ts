import { CrontrayService } from '../../main/core/service/service.js';
import type { ServiceOptions } from '../../main/core/service/service.js';
import type { Logger } from '../../main/core/log/logger.js';
import type { Envelope } from '../../main/api/channel.js';

export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  text: string;
}

/** A real Logger that keeps every line with its details, so tests read what a user would see. */
export function keepingLogger(): Logger & { lines: LogLine[]; text(): string } {
  const lines: LogLine[] = [];
  const at =
    (level: LogLine['level']) =>
    (message: string, ...meta: unknown[]): void => {
      const details = meta.map((m) =>
        m instanceof Error ? `${m.message}\n${m.stack}` : String(m),
      );
      lines.push({ level, text: [message, ...details].join(' ') });
    };
  return {
    lines,
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    text: () => lines.map((l) => `${l.level} ${l.text}`).join('\n'),
  };
}

/** Opens a service on `dataDir` the way the headless host does. */
export async function openService(
  dataDir: string,
  options: Partial<ServiceOptions> = {},
): Promise<CrontrayService> {
  const service = new CrontrayService({
    dataDir,
    host: 'headless',
    version: '0.0.0-test',
    historyMode: 'polling',
    ...options,
  });
  await service.open();
  return service;
}

/** Calls a channel and unwraps its envelope, failing with the error message. */
export async function ok<T = unknown>(
  service: CrontrayService,
  channel: string,
  payload?: unknown,
): Promise<T> {
  const envelope = (await service.call(channel, payload)) as Envelope<T>;
  if (!envelope.ok)
    throw new Error(`${channel} failed: ${envelope.error.code}: ${envelope.error.message}`);
  return envelope.value;
}
