import type { ShellAction } from '../model/action.js';
import type { Clock } from '../time/clock.js';
import { systemClock } from '../time/clock.js';
import type { Logger } from '../log/logger.js';
import { silentLogger } from '../log/logger.js';
import type { ActionRunner, RunContext, RunOutcome } from './runner.js';
import type { OutputLimits } from './output-buffer.js';
import { abortMessage, abortedStatus } from './run-signal.js';
import { ShellProcess } from './shell-process.js';
import type { ShellProcessOptions } from './shell-process.js';

export interface ShellRunnerOptions {
  /** Time between SIGTERM and SIGKILL when a run's tree is stopped. Default 2000 ms. */
  graceMs?: number;
  /**
   * How long to keep reading after the program exits while a background descendant still holds
   * its stdout/stderr open. Default 500 ms; after that the pipes are closed and the run ends.
   */
  drainMs?: number;
  /** Head/tail capture per stream. Default 64 KiB each. */
  output?: OutputLimits;
  /** Where the base variables (PATH, HOME, ...) come from. Default process.env. */
  parentEnv?: NodeJS.ProcessEnv;
  /** Default process.platform; tests of the command line may pass another. */
  platform?: NodeJS.Platform;
  /** Owns the timeout and grace timers. Default systemClock. */
  clock?: Clock;
  logger?: Logger;
}

/** Runs shell actions as child processes: no shell unless the action asks for script mode. */
export class ShellRunner implements ActionRunner<ShellAction> {
  readonly #o: ShellProcessOptions;

  constructor(options: ShellRunnerOptions = {}) {
    this.#o = {
      graceMs: options.graceMs ?? 2000,
      drainMs: options.drainMs ?? 500,
      output: options.output ?? {},
      parentEnv: options.parentEnv ?? process.env,
      platform: options.platform ?? process.platform,
      clock: options.clock ?? systemClock,
      logger: options.logger ?? silentLogger,
    };
  }

  async run(action: ShellAction, context: RunContext): Promise<RunOutcome> {
    if (context.signal.aborted) {
      return {
        status: abortedStatus(context.signal.reason),
        exitCode: null,
        error: abortMessage(context.signal.reason),
      };
    }
    return new ShellProcess(action, context, this.#o).outcome;
  }
}
