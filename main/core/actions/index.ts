export type { ActionRunner, RunContext, RunOutcome } from './runner.js';
export { ActionDispatcher } from './action-runner.js';
export type { ActionDispatcherOptions } from './action-runner.js';
export { ShellRunner } from './shell-runner.js';
export type { ShellRunnerOptions } from './shell-runner.js';
export { HttpRunner } from './http-runner.js';
export type { HttpRunnerOptions } from './http-runner.js';
export { ScriptRunner } from './script-runner.js';
export type { ScriptRunnerOptions, ScriptContext } from './script-runner.js';
export {
  OutputBuffer,
  emptyOutput,
  DEFAULT_HEAD_BYTES,
  DEFAULT_TAIL_BYTES,
} from './output-buffer.js';
export type { OutputLimits } from './output-buffer.js';
export { Redactor, secretValuesOf } from './redaction.js';
export { killTree } from './process-tree.js';
export { timeoutReason, isTimeoutReason, abortedStatus } from './run-signal.js';
export { childEnv } from './shell-env.js';
