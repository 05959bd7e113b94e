import { abortedStatus, isTimeoutReason } from '../actions/run-signal.js';
import type { ActionRunner, RunContext, RunOutcome } from '../actions/runner.js';
import { ABORT_REASON } from './run-lifecycle.js';

/**
 * An action run in this process: seed 002's callback. It may use the context (its `signal` is
 * aborted on timeout, cancel or replace); its return value becomes the run's outcome value.
 */
export type InProcessAction = (context: RunContext) => unknown;

function errorText(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/** The outcome of a run whose signal was aborted: 'timed-out' or 'canceled', with the engine's reason. */
function abortedOutcome(context: RunContext): RunOutcome {
  const reason: unknown = context.signal.reason;
  return {
    status: abortedStatus(reason),
    error: isTimeoutReason(reason) ? ABORT_REASON.timedOut(context.timeoutMs) : errorText(reason),
  };
}

/**
 * The default runner: calls the action; a throw or rejection is a 'failed' run with its message.
 * A function cannot be stopped from outside, so an abort ends the run at once: the action may
 * notice `signal` and stop, but what it returns afterwards is not the run's outcome.
 */
export const inProcessRunner: ActionRunner<unknown> = {
  async run(action: unknown, context: RunContext): Promise<RunOutcome> {
    if (typeof action !== 'function') {
      return {
        status: 'failed',
        error:
          "The task's action is not a function: the in-process runner runs functions only; pass a runner for other actions.",
      };
    }
    let result: unknown;
    try {
      result = (action as InProcessAction)(context);
    } catch (error) {
      return { status: 'failed', error: errorText(error) };
    }
    // A synchronous action has finished before anything could abort it: no signal needed.
    if (!isThenable(result)) return { status: 'succeeded', value: result };
    const signal = context.signal;
    if (signal.aborted) return abortedOutcome(context);
    let onAbort = (): void => {};
    const aborted = new Promise<RunOutcome>((resolve) => {
      onAbort = () => resolve(abortedOutcome(context));
    });
    signal.addEventListener('abort', onAbort, { once: true });
    const ran = Promise.resolve(result).then(
      (value: unknown): RunOutcome => ({ status: 'succeeded', value }),
      (error: unknown): RunOutcome => ({ status: 'failed', error: errorText(error) }),
    );
    const outcome = await Promise.race([ran, aborted]);
    signal.removeEventListener('abort', onAbort);
    return signal.aborted ? abortedOutcome(context) : outcome;
  },
};
