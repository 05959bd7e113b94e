/** What went wrong, for callers that branch on it (the service maps each to its API error). */
export type SchedulerErrorCode =
  /** The input cannot be scheduled: a field is malformed, a pattern never fires, a date is past. */
  | 'invalid'
  /** No task has the given id. */
  | 'not-found'
  /** Another task already has this id, or the same name, schedule and action. */
  | 'conflict';

/**
 * An error the engine throws on purpose. `message` keeps the `TaskScheduler:` prefix library
 * callers see in a stack trace; `plainMessage` is the same sentence for a person, without module
 * names, and `field` the input it is about (`schedule.pattern`), when there is one.
 */
export class SchedulerError extends Error {
  readonly code: SchedulerErrorCode;
  readonly field: string | null;
  readonly plainMessage: string;

  constructor(
    code: SchedulerErrorCode,
    plainMessage: string,
    options: { field?: string | null; cause?: unknown; message?: string } = {},
  ) {
    super(options.message ?? `TaskScheduler: ${plainMessage}`, { cause: options.cause });
    this.name = 'SchedulerError';
    this.code = code;
    this.field = options.field ?? null;
    this.plainMessage = plainMessage;
  }
}

/** The text of anything thrown, for a log line or a run record. */
export function errorText(error: unknown): string {
  if (error instanceof SchedulerError) return error.plainMessage;
  return error instanceof Error ? error.message : String(error);
}
