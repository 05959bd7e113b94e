import { SECRET_MASK } from '../model/action.js';
import type { Action } from '../model/action.js';
import type { BoundedOutput } from '../model/run.js';
import type { RunOutcome } from './runner.js';

/**
 * A piece of a secret this short at a truncation edge is left alone: masking every stray
 * two-letter match would make output unreadable while protecting next to nothing.
 */
const MIN_PARTIAL = 4;

/**
 * Replaces every occurrence of a set of secret values with SECRET_MASK. Also matches the forms a
 * secret commonly takes when a program echoes it (JSON-escaped, URL-encoded), and for a truncated
 * output the part of a secret cut by the truncation edge. Used for run outputs, error texts,
 * records and logs.
 */
export class Redactor {
  readonly #needles: string[];
  readonly #mask: string;

  /** `mask` defaults to SECRET_MASK. Empty values are ignored. */
  constructor(secrets: Iterable<string>, mask: string = SECRET_MASK) {
    const needles = new Set<string>();
    for (const secret of secrets) {
      if (secret === '') continue;
      needles.add(secret);
      needles.add(JSON.stringify(secret).slice(1, -1));
      needles.add(encodeURIComponent(secret));
    }
    // Longest first, so a secret containing another is masked whole.
    this.#needles = [...needles].filter((s) => s !== '').sort((a, b) => b.length - a.length);
    this.#mask = mask;
  }

  /** True when there is nothing to redact. */
  get isEmpty(): boolean {
    return this.#needles.length === 0;
  }

  redact(text: string): string {
    let out = text;
    for (const needle of this.#needles) {
      if (out.includes(needle)) out = out.split(needle).join(this.#mask);
    }
    return out;
  }

  /** Redacts a possibly absent text (error fields). */
  redactMaybe<T extends string | null | undefined>(text: T): T {
    return (typeof text === 'string' ? this.redact(text) : text) as T;
  }

  redactOutput<T extends BoundedOutput | null | undefined>(output: T): T {
    if (output == null || this.isEmpty) return output;
    if (!output.truncated) {
      const joined = this.redact(output.head + output.tail);
      const head = this.redact(output.head);
      const tail = this.redact(output.tail);
      // A secret split between head and tail only shows up when they are joined.
      if (head + tail !== joined) return { ...output, head: joined, tail: '' };
      return { ...output, head, tail };
    }
    return {
      ...output,
      head: this.#maskPartialEnd(this.redact(output.head)),
      tail: this.#maskPartialStart(this.redact(output.tail)),
    };
  }

  redactOutcome(outcome: RunOutcome): RunOutcome {
    if (this.isEmpty) return outcome;
    const redacted: RunOutcome = { ...outcome };
    if ('stdout' in outcome) redacted.stdout = this.redactOutput(outcome.stdout);
    if ('stderr' in outcome) redacted.stderr = this.redactOutput(outcome.stderr);
    if ('error' in outcome) redacted.error = this.redactMaybe(outcome.error);
    return redacted;
  }

  /** Masks a tail of `text` that is the beginning of a secret (the rest was cut away). */
  #maskPartialEnd(text: string): string {
    for (const needle of this.#needles) {
      for (let len = Math.min(needle.length - 1, text.length); len >= MIN_PARTIAL; len--) {
        if (text.endsWith(needle.slice(0, len)))
          return text.slice(0, text.length - len) + this.#mask;
      }
    }
    return text;
  }

  /** Masks a head of `text` that is the end of a secret (the start was cut away). */
  #maskPartialStart(text: string): string {
    for (const needle of this.#needles) {
      for (let len = Math.min(needle.length - 1, text.length); len >= MIN_PARTIAL; len--) {
        if (text.startsWith(needle.slice(needle.length - len))) return this.#mask + text.slice(len);
      }
    }
    return text;
  }
}

/** The secret values an action holds: env values and headers marked secret. */
export function secretValuesOf(action: Action): string[] {
  switch (action.kind) {
    case 'shell':
      return action.env.filter((p) => p.secret).map((p) => p.value);
    case 'http':
      return action.headers.filter((p) => p.secret).map((p) => p.value);
    case 'script':
      return [];
  }
}
