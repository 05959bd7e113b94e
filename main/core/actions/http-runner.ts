import type { HttpAction } from '../model/action.js';
import type { Clock } from '../time/clock.js';
import { systemClock } from '../time/clock.js';
import { parentRunBody } from './parent-run.js';
import type { ActionRunner, RunContext, RunOutcome } from './runner.js';
import type { OutputLimits } from './output-buffer.js';
import { OutputBuffer, emptyOutput } from './output-buffer.js';
import { abortMessage, abortedStatus, runSignal } from './run-signal.js';

export interface HttpRunnerOptions {
  /** Head/tail capture of the response body. Default 64 KiB each. */
  output?: OutputLimits;
  /** Default globalThis.fetch; Electron may pass net.fetch to honour the system proxy. */
  fetch?: typeof fetch;
  /** Owns the timeout timer. Default systemClock. */
  clock?: Clock;
}

/** Runs http actions with fetch; the response body becomes the run's stdout, bounded. */
export class HttpRunner implements ActionRunner<HttpAction> {
  readonly #output: OutputLimits;
  readonly #fetch: typeof fetch;
  readonly #clock: Clock;

  constructor(options: HttpRunnerOptions = {}) {
    this.#output = options.output ?? {};
    this.#fetch = options.fetch ?? globalThis.fetch;
    this.#clock = options.clock ?? systemClock;
  }

  async run(action: HttpAction, context: RunContext): Promise<RunOutcome> {
    const run = runSignal(context, this.#clock);
    const body = new OutputBuffer(this.#output);
    let httpStatus: number | null = null;
    try {
      if (run.signal.aborted) throw run.signal.reason;
      const headers = new Headers();
      for (const header of action.headers) headers.append(header.name, header.value);
      // GET and HEAD may not carry a body; fetch throws if one is given.
      const bodyless = action.method === 'GET' || action.method === 'HEAD';
      const sent = bodyless ? null : parentRunBody(action.body, context.parent);
      if (sent?.json && !headers.has('content-type'))
        headers.set('content-type', 'application/json');
      const response = await this.#fetch(action.url, {
        method: action.method,
        headers,
        body: sent?.body,
        signal: run.signal,
        redirect: 'follow',
      });
      httpStatus = response.status;
      if (response.body) {
        // Streamed into the bounded buffer, so a huge response never sits in memory whole.
        for await (const chunk of response.body) body.push(Buffer.from(chunk));
      }
      const { min, max } = action.expectStatus;
      const ok = httpStatus >= min && httpStatus <= max;
      return {
        status: ok ? 'succeeded' : 'failed',
        httpStatus,
        exitCode: null,
        stdout: body.result(),
        stderr: emptyOutput(),
        error: ok
          ? null
          : `${action.method} ${action.url} answered ${httpStatus}; the task counts ${min}–${max} as success.`,
      };
    } catch (error) {
      if (run.signal.aborted) {
        const reason: unknown = run.signal.reason;
        return {
          status: abortedStatus(reason),
          httpStatus,
          exitCode: null,
          stdout: body.result(),
          stderr: emptyOutput(),
          error: abortMessage(reason),
        };
      }
      return {
        status: 'failed',
        httpStatus,
        exitCode: null,
        stdout: body.result(),
        stderr: emptyOutput(),
        error: `${action.method} ${action.url} failed: ${describeFetchError(error)}`,
      };
    } finally {
      run.dispose();
    }
  }
}

/** fetch hides the useful part (ECONNREFUSED, bad header) in `cause`. */
function describeFetchError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause: unknown = error.cause;
  if (cause instanceof Error && cause.message !== '') return `${error.message} (${cause.message})`;
  return error.message;
}
