import { ServiceError } from './service-error.js';

/**
 * The engine validates what only it can (a pattern parses and fires, an interval can run) and
 * says so in its message; this finds the field the message is about so the editor can show it
 * next to that field.
 */
export function engineError(error: unknown): ServiceError {
  const message = error instanceof Error ? error.message : String(error);
  if (/^TaskScheduler: pattern '/.test(message))
    return new ServiceError('invalid', message, 'schedule.pattern');
  const field =
    /^TaskScheduler: ([\w.]+): /.exec(message)?.[1] ??
    /^TaskScheduler: (schedule\.\w+)/.exec(message)?.[1];
  return new ServiceError('invalid', message, field ?? 'schedule');
}
