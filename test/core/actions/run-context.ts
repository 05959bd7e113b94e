import type { RunContext } from '../../../main/core/actions/runner.js';

/** A run context for calling a runner directly, as the engine would for a manual run. */
export function context(overrides: Partial<RunContext> = {}): RunContext {
  return {
    runId: 'r1',
    taskId: 't1',
    attempt: 1,
    trigger: 'manual',
    signal: new AbortController().signal,
    timeoutMs: 0,
    ...overrides,
  };
}
