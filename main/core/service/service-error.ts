import type { ErrorBody } from '../../api/channel.js';

/**
 * An error meant for the caller: its message is shown to the user as it is. Anything else
 * thrown inside a handler is logged and reported as an internal error without its details.
 */
export class ServiceError extends Error {
  readonly code: ErrorBody['code'];
  readonly field: string | undefined;

  constructor(code: ErrorBody['code'], message: string, field?: string) {
    super(message);
    this.name = 'ServiceError';
    this.code = code;
    this.field = field;
  }
}

export const invalid = (message: string, field?: string) =>
  new ServiceError('invalid', message, field);
export const notFound = (message: string) => new ServiceError('not-found', message);
