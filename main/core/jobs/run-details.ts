import type { RunTrigger } from '../model/run.js';

/** The values a column holds once each, by a small number per row: ids, sessions, errors repeat. */
export class Interner<T> {
  readonly #codes = new Map<string, number>();
  readonly #values: T[] = [];

  constructor(private readonly keyOf: (value: T) => string) {}

  code(value: T): number {
    const key = this.keyOf(value);
    let code = this.#codes.get(key);
    if (code === undefined) {
      code = this.#values.length;
      this.#codes.set(key, code);
      this.#values.push(value);
    }
    return code;
  }

  /** The code of `value` if any row ever held it (filters ask before walking). */
  find(value: T): number | undefined {
    return this.#codes.get(this.keyOf(value));
  }

  value(code: number): T {
    return this.#values[code]!;
  }
}

/** The summary fields that are the same for most runs of a task, kept as one coded tuple. */
export interface RunDetails {
  trigger: RunTrigger;
  attempt: number;
  firstRunId: string | null;
  exitCode: number | null;
  httpStatus: number | null;
  error: string | null;
  fromCache: boolean;
}

export const detailsKey = (d: RunDetails): string =>
  JSON.stringify([
    d.trigger,
    d.attempt,
    d.firstRunId,
    d.exitCode,
    d.httpStatus,
    d.error,
    d.fromCache,
  ]);

/**
 * `firstRunId` of a run that is its own first attempt (every run but a retry): kept as this marker
 * so that the details tuple stays the same for most runs of a task. A run id is never empty.
 */
export const OWN_ID = '';
