import type { z } from 'zod';

/**
 * One channel of the contract: the zod schema its request must pass, and (at the type level
 * only) the response it resolves with. `testOnly` channels exist only in headless --test-mode.
 */
export interface ChannelSpec<Req extends z.ZodType, Res> {
  readonly request: Req;
  readonly testOnly: boolean;
  /** Phantom field carrying the response type; never set at run time. */
  readonly __response?: Res;
}

/** Declares a channel: `channel<Response>()(requestSchema)`. */
export function channel<Res>() {
  return <Req extends z.ZodType>(
    request: Req,
    options: { testOnly?: boolean } = {},
  ): ChannelSpec<Req, Res> => ({
    request,
    testOnly: options.testOnly ?? false,
  });
}

/** A failure as it crosses a process boundary; rebuilt as an ApiError on the other side. */
export interface ErrorBody {
  code:
    | 'invalid'
    | 'unauthorized'
    | 'forbidden'
    | 'not-found'
    | 'conflict'
    | 'locked'
    | 'unavailable'
    | 'internal';
  message: string;
  /** Dotted path of the offending field, for the first problem found. */
  field?: string;
  /** Every problem found, field by field. */
  issues?: { field: string; message: string }[];
}

/** What every call returns across a transport: a value or an error, never a thrown exception. */
export type Envelope<T> = { ok: true; value: T } | { ok: false; error: ErrorBody };

/** The Error a client throws when the other side answered with an error envelope. */
export class ApiError extends Error {
  readonly code: ErrorBody['code'];
  readonly field: string | undefined;
  readonly issues: { field: string; message: string }[];

  constructor(body: ErrorBody) {
    super(body.message);
    this.name = 'ApiError';
    this.code = body.code;
    this.field = body.field;
    this.issues = body.issues ?? [];
  }
}
