import { SchedulerError } from '../schedule/scheduler-error.js';
import { ServiceError } from './service-error.js';

/**
 * The engine validates what only it can (a pattern parses and fires, an interval can run) and
 * throws a SchedulerError saying so; this turns it into the API's error with the engine's plain
 * sentence (no module names) and the field, so the editor can show it next to that field.
 * Anything else is not the caller's fault and is passed on as it is.
 */
export function engineError(error: unknown): unknown {
  if (!(error instanceof SchedulerError)) return error;
  const field = error.field ?? (error.code === 'invalid' ? 'schedule' : undefined);
  return new ServiceError(error.code, error.plainMessage, field);
}
