import type { ActionRunner, RunContext, RunOutcome } from '../actions/runner.js';

/**
 * An action run in this process: seed 002's callback. It may use the context (its `signal` is
 * aborted on timeout, cancel or replace); its return value becomes the run's outcome value.
 */
export type InProcessAction = (context: RunContext) => unknown;

function errorText(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

/** The default runner: calls the action; a throw or rejection is a 'failed' run with its message. */
export const inProcessRunner: ActionRunner<unknown> = {
  async run(action: unknown, context: RunContext): Promise<RunOutcome> {
    if (typeof action !== 'function') {
      return {
        status: 'failed',
        error:
          'TaskScheduler: the in-process runner runs functions only; pass a runner for other actions',
      };
    }
    try {
      const value: unknown = await (action as InProcessAction)(context);
      return { status: 'succeeded', value };
    } catch (error) {
      return { status: 'failed', error: errorText(error) };
    }
  },
};
